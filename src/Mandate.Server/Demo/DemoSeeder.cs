using System.Security.Cryptography;
using Mandate.Core.Administration;
using Mandate.Core.Credentials;
using Mandate.Core.Events;
using Mandate.Core.Identities;
using Mandate.Core.Storage;
using Mandate.Tokens.Jose;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Demo;

/// <summary>
/// <c>serve --demo</c>: seeds <see cref="DemoFleet"/> once, gives each machine identity a fresh key at every
/// start (revoking the previous demo key, as a rotation would), and starts <see cref="DemoTraffic"/>.
/// </summary>
internal static class DemoSeeder
{
    private const string SeededSetting = "demo.seeded";
    private const string KeyDescription = "demo simulator key";

    public static async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IMandateStore>();
        var audit = AuditContext.System;
        if (await store.Settings.TryAddAsync(SeededSetting, DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture), cancellationToken))
        {
            await SeedFleetAsync(services, audit, cancellationToken);
        }

        var keys = await RotateKeysAsync(services, audit, cancellationToken);
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        var traffic = new DemoTraffic(services, keys, services.GetRequiredService<ILogger<DemoTraffic>>());
        traffic.Start(lifetime.ApplicationStopping);
    }

    private static async Task SeedFleetAsync(IServiceProvider services, AuditContext audit, CancellationToken cancellationToken)
    {
        var identities = services.GetRequiredService<IdentityRegistry>();
        var groups = services.GetRequiredService<GroupDirectory>();
        var policies = services.GetRequiredService<PolicyLibrary>();
        foreach (var person in DemoFleet.Humans.Concat(DemoFleet.Machines))
        {
            await identities.CreateAsync(new NewIdentity
            {
                Id = person.Id,
                Kind = person.Kind,
                DisplayName = person.Name,
                Owner = person.Owner,
                Purpose = person.Purpose,
                Environment = person.Environment,
                Parent = person.Parent,
                Labels = new Dictionary<string, string> { ["team"] = person.Owner ?? person.Id, ["demo"] = "true" },
            }, audit, cancellationToken);
        }

        foreach (var (id, kind, name, members) in DemoFleet.Groups)
        {
            await groups.CreateAsync(id, kind, name, null, "carol", audit, cancellationToken);
            foreach (var member in members)
            {
                await groups.AddMemberAsync(id, member, memberIsGroup: false, audit, cancellationToken);
            }
        }

        foreach (var (id, description, text) in DemoFleet.Policies)
        {
            await policies.CreateAsync(id, text, description, enabled: true, audit, cancellationToken);
        }
    }

    private static async Task<Dictionary<string, (ECDsa Key, string KeyId)>> RotateKeysAsync(
        IServiceProvider services, AuditContext audit, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IMandateStore>();
        var credentials = services.GetRequiredService<CredentialRegistry>();
        var keys = new Dictionary<string, (ECDsa, string)>(StringComparer.Ordinal);
        foreach (var machine in DemoFleet.Machines)
        {
            var identity = await store.Identities.GetAsync(machine.Id, cancellationToken);
            if (identity is null || identity.Status == IdentityStatus.Deactivated)
            {
                continue;
            }

            foreach (var old in await store.Credentials.ListForIdentityAsync(machine.Id, cancellationToken))
            {
                if (old.Description == KeyDescription && old.Status == CredentialStatus.Active)
                {
                    await credentials.RevokeAsync(old.Id, "demo key rotated at start", audit, cancellationToken);
                }
            }

            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var jwk = EcPublicJwk.FromKey(key);
            await credentials.AddAsync(machine.Id, new NewCredential(new PublicKeyMaterial(jwk.ToJson(), jwk.Kid, jwk.Thumbprint), KeyDescription), audit, cancellationToken);
            keys[machine.Id] = (key, jwk.Kid);
        }

        return keys;
    }
}
