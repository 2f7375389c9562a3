using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Mandate.Tokens.Keys;

namespace Mandate.Benchmarks.Tokens;

/// <summary>
/// The reference for the token load run: raw ES256 verify + sign pairs per second in process, on every core, with
/// the same key types the token endpoint uses (a client's P-256 key verifies, the issuer's signing key signs). A
/// token costs at least one of each, so tokens/s divided by this is the share of the machine the rest costs.
/// </summary>
internal static class RawSigningThroughput
{
    public static int Run(string[] args)
    {
        var seconds = double.Parse(TokenLoadPreparation.Argument(args, "--seconds") ?? "5", CultureInfo.InvariantCulture);
        var threads = int.Parse(TokenLoadPreparation.Argument(args, "--threads") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        using var client = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issuer = SigningKey.Generate(DateTimeOffset.UtcNow);
        var clientJwk = Mandate.Tokens.Jose.EcPublicJwk.FromKey(client);
        var assertionInput = Encoding.ASCII.GetBytes(new string('a', 300));
        var assertionSignature = client.SignData(assertionInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var tokenInput = Encoding.ASCII.GetBytes(new string('t', 400));

        var stop = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var counts = new long[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            long pairs = 0;
            while (stop.Elapsed < deadline)
            {
                if (!clientJwk.Verify("ES256", assertionInput, assertionSignature))
                {
                    throw new InvalidOperationException("the reference signature did not verify");
                }

                issuer.Sign(tokenInput);
                pairs++;
            }

            counts[t] = pairs;
        });

        var perSecond = counts.Sum() / stop.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw ES256 verify+sign: {perSecond:0} pairs/s on {threads} threads"));
        return 0;
    }
}
