namespace Repro.Data.Tests.Text;

public class SyntheticReviewsTests
{
    [Test]
    public void TheSameSeedGivesTheSameReviewsAndAnotherSeedOthers()
    {
        var a = SyntheticReviews.Generate(50, seed: 3);
        var b = SyntheticReviews.Generate(50, seed: 3);
        var c = SyntheticReviews.Generate(50, seed: 4);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.Select(r => r.Text), Is.Not.EqualTo(c.Select(r => r.Text)));
        Assert.That(a.Select(r => r.Text).Distinct().Count(), Is.EqualTo(50));
    }

    [Test]
    public void GenerationInParallelIsStillDeterministic()
    {
        var expected = SyntheticReviews.Generate(20, seed: 9);
        var results = new IReadOnlyList<Review>[8];
        Parallel.For(0, results.Length, i => results[i] = SyntheticReviews.Generate(20, seed: 9));
        Assert.That(results, Is.All.EqualTo(expected));
    }

    [TestCase(100, 50)]
    [TestCase(7, 3)]
    public void LabelsAreBalanced(int count, int positive)
    {
        var reviews = SyntheticReviews.Generate(count, seed: 1);
        Assert.That(reviews, Has.Count.EqualTo(count));
        Assert.That(reviews.Count(r => r.Label == 1), Is.EqualTo(positive));
        Assert.That(reviews.Count(r => r.Label == 0), Is.EqualTo(count - positive));
    }

    [Test]
    public void PlantedWordsCarryTheLabelAndTheFillerHasNone()
    {
        var reviews = SyntheticReviews.Generate(2_000, seed: 5);
        var positive = SyntheticReviews.PositiveWords.ToHashSet();
        var negative = SyntheticReviews.NegativeWords.ToHashSet();
        int correct = 0;
        foreach (var r in reviews)
        {
            string[] tokens = Tokenizer.Tokenize(r.Text);
            int own = tokens.Count((r.Label == 1 ? positive : negative).Contains);
            int other = tokens.Count((r.Label == 1 ? negative : positive).Contains);
            // Exactly the planted words: 2-4 of the review's side, at most 1 of the other.
            Assert.That(own, Is.InRange(2, 4), r.Text);
            Assert.That(other, Is.InRange(0, 1), r.Text);
            int score = tokens.Count(positive.Contains) - tokens.Count(negative.Contains);
            if ((score > 0 ? 1 : 0) == r.Label) correct++;
        }
        Assert.That(correct / (double)reviews.Count, Is.GreaterThan(0.95));
    }
}
