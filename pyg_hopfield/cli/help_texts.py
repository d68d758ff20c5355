r"""The file formats ``--help`` shows."""

#: The ``--edges`` formats (read by :func:`pyg_hopfield.io.read_edge_list`).
EDGE_FORMATS = """\
edge files (--edges), by suffix:
  text  one edge a line, 'u v' or 'u v weight', 0-based integer ids,
        whitespace or commas, '#' or '%' comments, gzip ok; e.g.
          0 1 2.5
          1 2 0.5
  .npy  int32/int64 node ids of shape [E, 2] or [2, E], memory-mapped;
        weights from a second file: --weights W.npy (shape [E])
  .pt   a torch_geometric Data saved with torch.save(data, 'graph.pt')
        (edge_index, optional edge_weight, num_nodes)
  ids that start at 1 give a warning (node 0 would be a phantom isolated
  node): pass --one-based."""

#: The ``--histories`` format (read by
#: :func:`pyg_hopfield.utils.read_histories`).
HISTORY_FORMAT = """\
history files (--histories, --task hit-rate with --edges): one test user a
  line, the 0-based item (node) ids of the graph they interacted with,
  whitespace-separated, '#' comments; e.g.
    0 5 17
    3 5
  ids must be nodes of the graph: pass --num-nodes if the largest item id
  has no edge. '--dataset MovieLens100K' needs no file: its users are split
  (--splits, --test-ratio) and the item graph is built from the training
  users' co-ratings."""
