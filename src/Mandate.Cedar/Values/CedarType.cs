namespace Mandate.Cedar.Values;

/// <summary>The runtime types of Cedar values.</summary>
public enum CedarType
{
    /// <summary><c>true</c> or <c>false</c>.</summary>
    Bool,

    /// <summary>A signed 64-bit integer.</summary>
    Long,

    /// <summary>A Unicode string.</summary>
    String,

    /// <summary>An entity reference.</summary>
    Entity,

    /// <summary>A set of values.</summary>
    Set,

    /// <summary>A record of named values.</summary>
    Record,

    /// <summary>The <c>decimal</c> extension type.</summary>
    Decimal,

    /// <summary>The <c>ipaddr</c> extension type.</summary>
    IpAddr,

    /// <summary>The <c>datetime</c> extension type.</summary>
    Datetime,

    /// <summary>The <c>duration</c> extension type.</summary>
    Duration,
}
