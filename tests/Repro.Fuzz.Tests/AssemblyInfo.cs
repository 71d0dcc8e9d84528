// The formats are independent: two at a time on the two cores CI has.
[assembly: Parallelizable(ParallelScope.Children)]
[assembly: LevelOfParallelism(2)]
