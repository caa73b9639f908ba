namespace Portal.Features.Billing;

/// <summary>How a billed piece of work failed; the endpoint maps it to its family's status code.</summary>
public enum WorkFailureKind
{
    /// <summary>Input was found invalid only after the debit (400).</summary>
    Invalid,
    /// <summary>The looked-up object does not exist (404).</summary>
    NotFound,
    /// <summary>The upstream answered with an error code (502).</summary>
    Upstream,
    /// <summary>Timeout, network or internal error (500).</summary>
    Internal,
}
