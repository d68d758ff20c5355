r"""The papers' tables that ``pyg-hopfield reproduce`` re-runs: for each, the
protocol (the keyword arguments of :func:`pyg_hopfield.protocols.evaluate`)
and the published figure of every row."""

PAPER_TABLES = {
    'hebbian-table1': {
        'title': 'Hebbian Graph Embeddings, Table 1: reconstruction MAP, '
        'd=200',
        'protocol': 'whole graph embedded; GEM MAP on 1024 sampled nodes',
        'protocol_options': dict(
            task='reconstruction-map', method='hebbian', dim=200
        ),
        'metric': 'map',
        'rows': {'AstroPh': 0.573, 'BlogCatalog': 0.499, 'HepTh': 0.619},
    },
    'hebbian-table5': {
        'title': 'Hebbian Graph Embeddings, Table 5: link-prediction MAP, '
        'd=200',
        'protocol': '10% of edges held out (GEM split); GEM MAP on 1024 '
        'sampled nodes over held-out edges',
        'protocol_options': dict(
            task='link-map', method='hebbian', dim=200, test_ratio=0.1
        ),
        'metric': 'map',
        'rows': {'AstroPh': 0.317, 'BlogCatalog': 0.202, 'HepTh': 0.339},
    },
    'hebbian-table6': {
        'title': 'Hebbian Graph Embeddings, Table 6: link-prediction AUC (%) '
        'on the SEAL graphs',
        'protocol': 'SEAL split: 10% of edges held out plus as many '
        'non-edges; AUC of sigma(h_i.h_j)',
        'protocol_options': dict(
            task='link-auc', method='hebbian', dim=200, test_ratio=0.1
        ),
        'metric': 'auc',
        'scale': 100.0,
        'rows': {
            'Power': 93.11,
            'PB': 93.0,
            'USAir': 95.92,
            'Celegans': 84.99,
        },
    },
    'mhn-table2': {
        'title': 'Associative Learning for Network Embedding, Table 2: '
        'node classification micro-F1 (%)',
        'protocol': 'one-vs-rest liblinear LR, 9:1 split, 20 seeded runs; '
        'K=2000 memories, T=7',
        'protocol_options': dict(task='node', method='mhn', dim=2000),
        'metric': 'micro_f1',
        'rows': {'BlogCatalog': 40.26, 'PPI': 26.11, 'Wikipedia': 57.62},
    },
    'mhn-table3': {
        'title': 'Associative Learning for Network Embedding, Table 3: link '
        'prediction AUC',
        'protocol': '500 positive pairs held out of training + 500 '
        'non-edges; AUC of sigma(h_i.h_j)',
        'protocol_options': dict(
            task='link-auc', method='mhn', dim=2000, split='mhn'
        ),
        'metric': 'auc',
        'rows': {'BlogCatalog': 0.92, 'PPI': 0.91, 'Wikipedia': 0.87},
    },
}
