namespace MoePS.Engine.Crystals;

/// <summary>What to do with a site that holds several species or is partly occupied.</summary>
public enum DisorderPolicy
{
    /// <summary>Refuse the structure, naming file and site (the default: CGCNN cannot represent disorder).</summary>
    Reject,
    /// <summary>Put the species with the largest occupancy on the site, fully occupied.</summary>
    MajoritySpecies,
}
