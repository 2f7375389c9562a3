using Mandate.Storage.Compliance;

namespace Mandate.Storage.Sqlite.Tests;

public sealed class SqliteIdentityStoreTests() : IdentityStoreCompliance(new SqliteStoreHarness());

public sealed class SqliteIdentityListingTests() : IdentityListingCompliance(new SqliteStoreHarness());

public sealed class SqliteCredentialStoreTests() : CredentialStoreCompliance(new SqliteStoreHarness());

public sealed class SqliteGroupStoreTests() : GroupStoreCompliance(new SqliteStoreHarness());

public sealed class SqliteMembershipStoreTests() : MembershipStoreCompliance(new SqliteStoreHarness());

public sealed class SqlitePolicyStoreTests() : PolicyStoreCompliance(new SqliteStoreHarness());

public sealed class SqliteSettingStoreTests() : SettingStoreCompliance(new SqliteStoreHarness());

public sealed class SqliteEventStoreTests() : EventStoreCompliance(new SqliteStoreHarness());

public sealed class SqliteDelegationStoreTests() : DelegationStoreCompliance(new SqliteStoreHarness());
public sealed class SqliteAuditRetentionTests() : AuditRetentionCompliance(new SqliteStoreHarness());

public sealed class SqliteDiscoveredIdentityTests() : DiscoveredIdentityCompliance(new SqliteStoreHarness());
public sealed class SqliteRegistrationTokenStoreTests() : RegistrationTokenStoreCompliance(new SqliteStoreHarness());
