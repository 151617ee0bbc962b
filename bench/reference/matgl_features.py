"""Times MatGL's own TensorNet code on the structures of MoePS's `tensornet.features` benchmark, for -Reference.

MatGL (materialsvirtuallab/matgl, PyG backend) and PyG's pure-Python torch_geometric are imported from the work
trees given on the command line (nothing there is changed or copied); the potential is loaded with
matgl.load_model from MoePS's data folder (experts/tensornet_matpes_pbe). For each structure, one at a time, as the
data folder's make_golden.py computes its golden features: MatGL's Structure2Graph (pymatgen's
find_points_in_spheres, 5 A), the Potential's forward in float32 under torch.no_grad (forces and stresses off),
then the mean over atoms of the graph's node_feat (128 numbers). The model is loaded and warmed up before the clock
starts; reading the task file and building pymatgen Structures is not timed (MoePS's side reads its crystals before
its clock starts too).

Output: one JSON object per line on stdout:
  {"setup": ...}                               what was loaded (versions, structures, atoms, pairs, threads)
  {"check": K, "max_abs_diff": ...}            with --compare: MatGL's features of the first K structures against
                                               the ones in the file (MoePS's), largest absolute difference
  {"repeat": r, "seconds": s, "cpu_seconds": c, "graph_seconds": g, "model_seconds": m, "load_start": ..., "load_end": ...}
                                               one timed pass over all the structures: wall seconds, the process's
                                               CPU seconds (all threads), the wall seconds in graph building and in
                                               the potential's forward and the mean
Run with /usr/bin/python3 (Debian's python3-torch and python3-pymatgen), e.g.
  /usr/bin/python3 bench/reference/matgl_features.py --matgl /work/ref/matgl --pyg /work/ref/pyg \
      --data /work/shared/data --threads 1 --repeats 3
"""
import argparse
import gzip
import json
import os
import sys
import time

TASK = 'jarvis_2d_exfoliation'
EXPERT = os.path.join('experts', 'tensornet_matpes_pbe')
WARM_UP = 8


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--matgl', required=True, help='work tree of materialsvirtuallab/matgl (or its src folder)')
    parser.add_argument('--pyg', required=True, help='work tree of pyg-team/pytorch_geometric 2.5.3 (holding torch_geometric/)')
    parser.add_argument('--data', required=True, help="MoePS's data folder (tasks/, experts/tensornet_matpes_pbe/)")
    parser.add_argument('--structures', type=int, default=500, help='the first N structures of the task, in order')
    parser.add_argument('--threads', type=int, default=1, help='torch intra-op threads')
    parser.add_argument('--repeats', type=int, default=3, help='timed passes over all the structures')
    parser.add_argument('--compare', help='JSON file {"features": [[...], ...]}: features of the first structures to check against')
    args = parser.parse_args()

    results = sys.stdout
    sys.stdout = sys.stderr  # anything MatGL prints goes to stderr
    matgl_source = os.path.abspath(args.matgl)
    if os.path.isdir(os.path.join(matgl_source, 'src', 'matgl')):
        matgl_source = os.path.join(matgl_source, 'src')
    os.environ['MATGL_BACKEND'] = 'PYG'
    sys.path.insert(0, os.path.abspath(args.pyg))
    sys.path.insert(0, matgl_source)

    import torch
    torch.set_num_threads(args.threads)
    import torch_geometric
    import matgl
    import matgl.ext._pymatgen_pyg as pymatgen_pyg
    adapt_neighbour_search(pymatgen_pyg)
    matgl.set_default_dtype('int', 64)  # as make_golden.py: int64 indices
    torch.set_default_dtype(torch.float32)

    structures = read_structures(args.data, args.structures)
    potential = matgl.load_model(os.path.join(args.data, EXPERT))
    potential.calc_forces = False
    potential.calc_stresses = False
    potential.to(torch.float32)
    potential.eval()
    converter = pymatgen_pyg.Structure2Graph(element_types=potential.model.element_types, cutoff=potential.model.cutoff)

    def features(structure, clock):
        start = time.perf_counter()
        graph, lattice, _ = converter.get_graph(structure)
        built = time.perf_counter()
        with torch.no_grad():
            potential(graph, lattice)
            feature = graph.node_feat.mean(0)
        clock[0] += built - start
        clock[1] += time.perf_counter() - built
        return feature, int(graph.edge_index.shape[1])

    clock = [0.0, 0.0]
    pairs = sum(features(s, clock)[1] for s in structures[:WARM_UP])  # warm-up
    pairs += sum(int(converter.get_graph(s)[0].edge_index.shape[1]) for s in structures[WARM_UP:])
    emit(results, {'setup': 'matgl TensorNet, one structure at a time, float32, torch.no_grad',
                   'task': TASK, 'structures': len(structures), 'atoms': sum(len(s) for s in structures),
                   'pairs': pairs, 'threads': torch.get_num_threads(), 'torch': torch.__version__,
                   'torch_geometric': torch_geometric.__version__, 'matgl_source': matgl_source})

    if args.compare:
        with open(args.compare) as f:
            theirs = json.load(f)['features']
        ours = torch.stack([features(s, [0.0, 0.0])[0] for s in structures[:len(theirs)]]).double()
        difference = (ours - torch.tensor(theirs, dtype=torch.float64)).abs()
        emit(results, {'check': len(theirs), 'max_abs_diff': float(difference.max()),
                       'max_abs_diff_per_structure': [float(d) for d in difference.max(1).values],
                       'max_abs_feature': float(ours.abs().max())})

    for repeat in range(1, args.repeats + 1):
        load_start = load_averages()
        clock = [0.0, 0.0]
        cpu = time.process_time()
        start = time.perf_counter()
        for structure in structures:
            features(structure, clock)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        emit(results, {'repeat': repeat, 'seconds': seconds, 'cpu_seconds': cpu, 'graph_seconds': clock[0], 'model_seconds': clock[1],
                       'load_start': load_start, 'load_end': load_averages()})


def adapt_neighbour_search(module):
    """Debian's pymatgen (2022.11) takes the neighbour search's arrays as writable typed memoryviews, and a
    Structure's lattice matrix is read-only: hand it writable float64 copies (the same numbers)."""
    import numpy as np
    search = module.find_points_in_spheres

    def writable(all_coords, center_coords, r, pbc, lattice, tol):
        return search(np.array(all_coords, dtype=float), np.array(center_coords, dtype=float), r=r,
                      pbc=np.array(pbc), lattice=np.array(lattice, dtype=float), tol=tol)
    module.find_points_in_spheres = writable


def read_structures(data, count):
    from pymatgen.core import Structure
    with gzip.open(os.path.join(data, 'tasks', TASK + '.json.gz'), 'rt', encoding='utf-8') as f:
        table = json.load(f)
    column = table['columns'].index('structure')
    return [Structure.from_dict(row[column]) for row in table['data'][:count]]


def load_averages():
    with open('/proc/loadavg') as f:
        return ' '.join(f.read().split()[:3])


def emit(stream, record):
    stream.write(json.dumps(record) + '\n')
    stream.flush()


if __name__ == '__main__':
    main()
