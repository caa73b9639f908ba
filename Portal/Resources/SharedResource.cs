namespace Portal.Resources;

/// <summary>Marker type for the portal's shared UI strings (<c>SharedResource.*.resx</c>); keys are English.</summary>
public sealed class SharedResource;
