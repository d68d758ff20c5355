r"""Node classification with :class:`pyg_hopfield.nn.MHNEmbedding`
(Table 2 of "Associative Learning for Network Embedding").

Trains the Modern Hopfield Network embedding on BlogCatalog, PPI or
Wikipedia (POS) and evaluates it with the paper's protocol: one-vs-rest
LIBLINEAR logistic regression on 90% of the nodes, micro/macro-F1 on the
rest, averaged over 20 random splits.

    python examples/mhn_node_classification.py --dataset PPI
"""

import argparse
import json
import os.path as osp
import time

import torch
from torch_geometric import seed_everything

from pyg_hopfield.datasets import load
from pyg_hopfield.evaluation import node_classification
from pyg_hopfield.nn import MHNEmbedding
from pyg_hopfield.transforms import KHopContext

PAPER = {  # Table 2: micro-F1 / macro-F1 (%)
    'BlogCatalog': (40.26, 24.23),
    'PPI': (26.11, 21.29),
    'Wikipedia': (57.62, 13.84),
}

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument('--dataset', default='PPI', choices=sorted(PAPER))
parser.add_argument('--root', default=osp.join('data', 'mhn'))
parser.add_argument('--k', type=int, default=1, help='context hops')
parser.add_argument('--decay', type=float, default=1.0)
parser.add_argument('--normalize_context', action='store_true')
parser.add_argument('--memories', type=int, default=2000, help='K')
parser.add_argument('--steps', type=int, default=7, help='T')
parser.add_argument('--beta1', type=float, default=1.0)
parser.add_argument('--beta2', type=float, default=0.5)
parser.add_argument('--alpha', type=float, default=0.2)
parser.add_argument('--init_std', type=float, default=0.1)
parser.add_argument(
    '--mask',
    default='node',
    choices=['node', 'ego'],
    help='masked node of a sample: the node itself (paper) '
    'or a random member of its ego network',
)
parser.add_argument(
    '--negatives',
    type=int,
    default=None,
    help='sampled softmax (default: full softmax)',
)
parser.add_argument('--epochs', type=int, default=10)
parser.add_argument('--batch_size', type=int, default=1024)
parser.add_argument('--lr', type=float, default=0.01)
parser.add_argument('--weight_decay', type=float, default=0.0)
parser.add_argument(
    '--eval_every',
    type=int,
    default=0,
    help='evaluate every n epochs; 0: only at end',
)
parser.add_argument(
    '--eval_runs',
    type=int,
    default=2,
    help='splits of each --eval_every evaluation',
)
parser.add_argument('--runs', type=int, default=20)
parser.add_argument(
    '--solver',
    default='liblinear',
    choices=['liblinear', 'torch'],
    help="classifier solver ('torch': same model, faster)",
)
parser.add_argument(
    '--time_budget',
    type=float,
    default=None,
    help='stop training after this many seconds',
)
parser.add_argument(
    '--l2',
    action='store_true',
    help='L2-normalise embeddings before the classifier',
)
parser.add_argument(
    '--standardize',
    action='store_true',
    help='z-score every embedding dimension (after --l2)',
)
parser.add_argument('--save_embedding', default=None)
parser.add_argument('--threads', type=int, default=None)
parser.add_argument('--device', default='cpu')
parser.add_argument('--seed', type=int, default=0)
parser.add_argument('--out', default=None, help='JSON results file')
args = parser.parse_args()
print(vars(args), flush=True)
if args.threads:
    torch.set_num_threads(args.threads)

seed_everything(args.seed)
data = load(args.dataset, args.root)[0]
data = KHopContext(
    k=args.k, decay=args.decay, normalize=args.normalize_context
)(data)
context = data.context.to(args.device)

model = MHNEmbedding(
    data.num_nodes,
    args.memories,
    num_steps=args.steps,
    beta1=args.beta1,
    beta2=args.beta2,
    alpha=args.alpha,
    num_negative_samples=args.negatives,
    init_std=args.init_std,
    mask=args.mask,
).to(args.device)
print(model, flush=True)


@torch.no_grad()
def test(num_runs):
    z = model(context).cpu()
    if args.l2:
        z = torch.nn.functional.normalize(z, dim=-1)
    if args.standardize:
        z = (z - z.mean(0)) / z.std(0).clamp_min(1e-12)
    if args.save_embedding:
        torch.save(z, args.save_embedding)
    device = args.device if args.solver == 'torch' else None
    return node_classification(
        z,
        data.y,
        num_runs=num_runs,
        seed=args.seed,
        solver=args.solver,
        device=device,
    )


history = []
start = time.perf_counter()
train_time = 0.0


def callback(epoch, loss):
    # Training time excludes the evaluations done here.
    global train_time, start
    if args.device != 'cpu':
        torch.cuda.synchronize()
    train_time += time.perf_counter() - start
    msg = f'Epoch: {epoch:03d}, Loss: {loss:.4f}, Time: {train_time:.1f}s'
    entry = dict(epoch=epoch, loss=loss, train_time=train_time)
    if args.eval_every and epoch % args.eval_every == 0:
        out = test(args.eval_runs)
        entry.update(micro_f1=out['micro_f1'], macro_f1=out['macro_f1'])
        msg += (
            f', Micro-F1: {out["micro_f1"]:.2f}, '
            f'Macro-F1: {out["macro_f1"]:.2f}'
        )
    history.append(entry)
    print(msg, flush=True)
    start = time.perf_counter()
    return args.time_budget is not None and train_time >= args.time_budget


if args.epochs > 0:  # --epochs 0 scores the untrained memories
    model.fit(
        context,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        weight_decay=args.weight_decay,
        seed=args.seed,
        callback=callback,
    )
out = test(args.runs)
paper = PAPER[args.dataset]
print(f'\n{"Dataset":<12} {"Ours micro/macro":>22} {"Paper":>14}')
print(
    f'{args.dataset:<12} {out["micro_f1"]:>6.2f}±{out["micro_f1_std"]:.2f}'
    f'/{out["macro_f1"]:.2f}±{out["macro_f1_std"]:.2f} '
    f'{paper[0]:>8.2f}/{paper[1]:.2f}'
)
if args.out:
    with open(args.out, 'w') as f:
        json.dump(
            dict(
                args=vars(args),
                result=out,
                paper=paper,
                train_time=train_time,
                history=history,
                device=(
                    torch.cuda.get_device_name()
                    if args.device != 'cpu'
                    else 'cpu'
                ),
                torch=torch.__version__,
            ),
            f,
            indent=1,
        )
