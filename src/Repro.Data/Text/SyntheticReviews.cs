using Bogus;

namespace Repro.Data;

/// <summary>
/// Fake movie reviews for the smoke tier (DATA.md): neutral filler from Bogus (lorem sentences,
/// hacker phrases, product names) with a few sentiment words planted at random places. A review
/// of label L carries 2-4 words from L's list and sometimes one word from the other list, so the
/// label is the side with more planted words: a model has to weigh words, not just spot one, and
/// the task is still learnable in a few dozen steps. No planted word occurs in Bogus's filler
/// (the lists avoid its product adjectives such as "awesome"; a test checks).
/// </summary>
public static class SyntheticReviews
{
    public static IReadOnlyList<string> PositiveWords { get; } =
        ["brilliant", "wonderful", "superb", "delightful", "masterful", "moving", "excellent", "charming", "gripping", "beautiful"];

    public static IReadOnlyList<string> NegativeWords { get; } =
        ["awful", "boring", "dreadful", "tedious", "terrible", "dull", "pointless", "clumsy", "mediocre", "disappointing"];

    /// <summary><paramref name="count"/> reviews, half of them positive (the odd one out negative),
    /// in a shuffled order; the same seed gives the same reviews. Each call has its own random
    /// source (Bogus's global seed is not touched), so calls may run in parallel.</summary>
    public static IReadOnlyList<Review> Generate(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var faker = new Faker("en") { Random = new Randomizer(seed) };
        var labels = faker.Random.Shuffle(Enumerable.Range(0, count).Select(i => i < count / 2 ? 1 : 0)).ToArray();
        var reviews = new Review[count];
        for (int i = 0; i < count; i++)
            reviews[i] = new Review(Text(faker, labels[i]), labels[i], $"synthetic review {i} (seed {seed})");
        return reviews;
    }

    static string Text(Faker faker, int label)
    {
        var words = new List<string>();
        int sentences = faker.Random.Int(3, 6);
        for (int s = 0; s < sentences; s++)
        {
            string sentence = faker.Random.Int(0, 2) switch
            {
                0 => faker.Lorem.Sentence(),
                1 => faker.Hacker.Phrase(),
                _ => $"The {faker.Commerce.ProductName()} was on screen.",
            };
            words.AddRange(sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        var (own, other) = label == 1 ? (PositiveWords, NegativeWords) : (NegativeWords, PositiveWords);
        int planted = faker.Random.Int(2, 4), opposite = faker.Random.Int(0, 1);
        for (int p = 0; p < planted + opposite; p++)
        {
            var list = p < planted ? own : other;
            words.Insert(faker.Random.Int(0, words.Count), list[faker.Random.Int(0, list.Count - 1)]);
        }
        return string.Join(' ', words);
    }
}
