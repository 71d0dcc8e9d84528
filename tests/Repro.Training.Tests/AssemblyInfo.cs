// One test at a time: these runs are many tiny libtorch ops, and two tests' OpenMP teams on a
// 2-core machine wait on each other's barriers (a checkpoint test took 16 s beside another, 1 s alone).
[assembly: Parallelizable(ParallelScope.None)]
