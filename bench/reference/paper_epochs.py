"""Times the paper's own code (github rees-c/MoE) on MoePS's data files, for the benchmark harness's -Reference.

The paper's modules are imported from --paper-code as they are (nothing there is changed or copied); this
script only does what their main() functions do before the epoch loop (reading pickles becomes reading our
Matminer JSON, the split comes from splits/seed<K>.json), then times each epoch of their loop: their train()
over the training loader and their validation over the validation loader, plus the scheduler step. The
checkpoint writes and CSV logging of their loop are left out (MoePS keeps its best state in memory).

Configurations (with their scripts' settings: batch 250, CPU):
  graphs  pymatgen neighbour graphs of a whole task (pre_extract_structure_graphs, as main.py builds them)
  stl     main_singletask.py: CGCNN from scratch, SGD lr 0.02 momentum 0.9, cosine annealing over 1000 epochs
  moe     main.py --option add_k --use_all_extractors --k_extractor_gating K: the 18 extractors' last conv
          layer fine-tuned (lr 0.005), 3-layer head, Adam lr 0.01
  tl      main.py --option pairwise_TL --extractor_name mp_eform: one extractor, same head and optimiser

Output: one JSON object per line on stdout ({"epoch", "seconds", "minflt", "majflt"} per epoch, or the graph
timing); the paper code's own prints go to stderr. Run with /usr/bin/python3 (Debian's python3-torch and
python3-pymatgen) and any working directory: the paper's scripts create a dated folder in it on import.
"""
import argparse
import gzip
import json
import os
import sys
import time

EXTRACTOR_LAYER = 'conv'
HEAD_LAYERS = 3
FINE_TUNED_LAYERS = 1
BATCH = 250
TRANSFER_FROM = 'mp_eform'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--paper-code', required=True, help='work tree of rees-c/MoE')
    parser.add_argument('--data', required=True, help="MoePS's data folder (tasks/, splits/, extractors/pytorch/)")
    parser.add_argument('--config', required=True, choices=['graphs', 'stl', 'moe', 'tl'])
    parser.add_argument('--task', required=True)
    parser.add_argument('--k', type=int, default=2, help='moe: extractors active at once')
    parser.add_argument('--epochs', type=int, default=8)
    parser.add_argument('--seed', type=int, default=0, help='split file and torch seed')
    args = parser.parse_args()

    results = sys.stdout
    sys.stdout = sys.stderr
    paper = os.path.abspath(args.paper_code)
    sys.path.insert(0, paper)
    import torch
    torch.manual_seed(args.seed)

    structures, targets = read_task(args.data, args.task)
    split = read_split(args.data, args.task, args.seed)
    with open(os.path.join(paper, 'cgcnn/data/sample-regression/atom_init.json')) as f:
        atom_init = json.load(f)

    if args.config == 'graphs':
        emit(results, time_graphs(paper, structures, targets, atom_init))
        return
    if args.config == 'stl':
        epoch = stl_epoch(structures, targets, split, atom_init)
    else:
        epoch = mixture_epoch(args, structures, targets, split, atom_init)
    for number in range(1, args.epochs + 1):
        minflt, majflt = page_faults()
        start = time.perf_counter()
        epoch(number)
        seconds = time.perf_counter() - start
        after = page_faults()
        emit(results, {'epoch': number, 'seconds': seconds, 'minflt': after[0] - minflt, 'majflt': after[1] - majflt})


def emit(stream, record):
    stream.write(json.dumps(record) + '\n')
    stream.flush()


def page_faults():
    """minflt and majflt of this process, fields 10 and 12 of /proc/self/stat (counted after the command's ')')."""
    with open('/proc/self/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return int(fields[7]), int(fields[9])


def read_task(data, task):
    from pymatgen.core import Structure
    with gzip.open(os.path.join(data, 'tasks', task + '.json.gz'), 'rt', encoding='utf-8') as f:
        table = json.load(f)
    return [Structure.from_dict(row[0]) for row in table['data']], [float(row[1]) for row in table['data']]


def read_split(data, task, seed):
    with open(os.path.join(data, 'splits', 'seed%d.json' % seed)) as f:
        split = json.load(f)[task]
    return split['train'], split['val']


def time_graphs(paper, structures, targets, atom_init):
    from cgcnn.data import pre_extract_structure_graphs
    start = time.perf_counter()
    pre_extract_structure_graphs(X=structures, y=targets, atom_init_fea=atom_init)
    seconds = time.perf_counter() - start
    return {'seconds': seconds, 'structures': len(structures), 'atoms': sum(len(s) for s in structures)}


def stl_epoch(structures, targets, split, atom_init):
    """main_singletask.main()'s set-up; returns one epoch of its loop (train, validate, scheduler step)."""
    sys.argv = ['main_singletask.py', '--batch_size', str(BATCH)]
    import main_singletask as paper
    import torch
    from torch.utils.data import Subset
    from cgcnn.data import CIFDataWrapper_without_shuffling, collate_pool, get_train_val_test_loader
    from cgcnn.model import CrystalGraphConvNet
    from moe.utils import normalizer_from_subsets

    _, model_kwargs, dataset_kwargs, _, optimizer_kwargs, _ = paper.initialize_kwargs()
    dataset = CIFDataWrapper_without_shuffling(X=structures, y=targets, atom_init_fea=atom_init, **dataset_kwargs)
    train_indices, val_indices = split
    train_loader, val_loader, _ = get_train_val_test_loader(
        dataset=dataset, collate_fn=collate_pool, batch_size=BATCH, num_workers=0, pin_memory=False, return_test=False,
        train_indices=train_indices, val_indices=val_indices, test_indices=[])
    normalizer = normalizer_from_subsets([Subset(dataset, train_indices), Subset(dataset, val_indices)])
    model = CrystalGraphConvNet(classification=False, **model_kwargs)
    optimizer = torch.optim.SGD(model.parameters(), optimizer_kwargs['lr'], momentum=optimizer_kwargs['momentum'],
                                weight_decay=optimizer_kwargs['weight_decay'])
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=paper.args.epochs, eta_min=1.0e-5)
    criterion = torch.nn.MSELoss()

    def epoch(number):
        paper.train(train_loader, model, criterion, optimizer, number, normalizer)
        paper.validate(val_loader, model, criterion, normalizer)
        scheduler.step()
    return epoch


def mixture_epoch(args, structures, targets, split, atom_init):
    """main.main()'s set-up for add_k with all 18 extractors, or pairwise_TL; returns one epoch of its loop."""
    option = 'add_k' if args.config == 'moe' else 'pairwise_TL'
    sys.argv = ['main.py', '--option', option, '--k_extractor_gating', str(args.k), '--use_all_extractors',
                '--extractor_name', TRANSFER_FROM, '--n_head_layers', str(HEAD_LAYERS)]
    import main as paper
    import torch
    from torch.utils.data import Subset, DataLoader
    from cgcnn.data import collate_pool, pre_extract_structure_graphs
    from moe.utils import normalizer_from_subsets, AverageMeter, get_parameters_to_finetune
    from moe.model import get_extractor, MultiheadedMixtureOfExpertsModel, MultilayerPerceptronHead, MixtureOfExtractors
    from data.data_utils import StructureGraphsDataset, get_all_extractors

    with open(os.path.join(args.paper_code, 'cgcnn/data/hyperparameters.json')) as f:
        model_kwargs = json.load(f)['model_kwargs']
    names = list(get_all_extractors()) if option == 'add_k' else [TRANSFER_FROM]
    extractors = [get_extractor(os.path.join(args.data, 'extractors', 'pytorch', name + '.pth.tar'), EXTRACTOR_LAYER,
                                model_kwargs=model_kwargs, device='cpu') for name in names]

    graphs, labels, _ = pre_extract_structure_graphs(X=structures, y=targets, atom_init_fea=atom_init)
    dataset = StructureGraphsDataset(graphs, labels)
    train_indices, val_indices = split
    train_subset, val_subset = Subset(dataset, train_indices), Subset(dataset, val_indices)
    normalizer = normalizer_from_subsets([train_subset, val_subset])
    train_dl = DataLoader(train_subset, batch_size=BATCH, num_workers=0, shuffle=True, collate_fn=collate_pool)
    val_dl = DataLoader(val_subset, batch_size=BATCH, num_workers=0, shuffle=True, collate_fn=collate_pool)

    features = 64  # the last conv layer's width
    model = ensembled_backbone = None
    if option == 'add_k':
        model = MultiheadedMixtureOfExpertsModel(num_pseudo_attention_heads=1, backbones=extractors,
                                                 num_out_layers=HEAD_LAYERS, backbone_feature_dim=features,
                                                 k_experts=args.k)
        param_groups = [{'params': model.non_extractor_parameters()}]
    else:
        model = MultilayerPerceptronHead(num_layers=HEAD_LAYERS, input_dim=features)
        ensembled_backbone = MixtureOfExtractors(extractors, option)
        param_groups = [{'params': model.parameters()}, {'params': ensembled_backbone.non_extractor_parameters()}]
    for extractor in extractors:
        param_groups.append({'params': get_parameters_to_finetune(extractor, FINE_TUNED_LAYERS, EXTRACTOR_LAYER),
                             'lr': 0.005})
    optimizer = torch.optim.Adam(params=param_groups, lr=0.01)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer=optimizer, T_max=1000)
    train_loss, val_loss, val_mae = (AverageMeter(tensor=True, device='cpu') for _ in range(3))

    def epoch(number):
        for batch, batch_labels, _ in train_dl:
            paper.train(batch, batch_labels, model, False, option, normalizer, train_loss, optimizer, extractors,
                        ensembled_backbone)
        for batch, batch_labels, _ in val_dl:
            loss, mae = paper.evaluate(batch, batch_labels, model, False, option, normalizer, extractors,
                                       ensembled_backbone)
            val_loss.update(loss.detach().clone(), batch_labels.size(0))
            val_mae.update(mae.detach().clone(), batch_labels.size(0))
        scheduler.step()
        float(val_mae.avg)  # main() reads the epoch's validation MAE to keep the best model
        for meter in (train_loss, val_loss, val_mae):
            meter.reset()
    return epoch


if __name__ == '__main__':
    main()
