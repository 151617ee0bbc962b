namespace MoePS.Engine.Runtime;

/// <summary>
/// When to give a training run's free heap back to the system, from the resident memory after each epoch. The working
/// set is the highest resident memory of the epochs after a trim until the heap stops growing (at least
/// <see cref="SettlingEpochs"/>, at most <see cref="MaxSettlingEpochs"/>; epochs differ: batch composition, validation),
/// and a trim comes only when an epoch ends more than <see cref="Growth"/> × above it. Taking
/// the level of the first epoch after a trim instead, as before, trimmed every few epochs on the ordinary swing between
/// epochs, and the epoch after each trim faulted its working set back in: MoE-18 on jarvis_2d_exfoliation had epochs of
/// 0.46–0.99 s, the slow ones with 0.46–0.52 M minor faults against under 0.06 M without trims (bench moe.k18).
/// </summary>
public sealed class HeapTrimPolicy
{
    public const double Growth = 1.10;
    public const int SettlingEpochs = 3, MaxSettlingEpochs = 8;

    long workingSet;
    int settled;
    bool steady;

    /// <summary>
    /// Whether to trim now, given the resident memory at the end of an epoch; after a trim the working set is measured again.
    /// Settling goes on past <see cref="SettlingEpochs"/> while each epoch still ends above the working set, up to
    /// <see cref="MaxSettlingEpochs"/>: after a trim the heap grows back over several epochs, and measuring it half grown
    /// trimmed it again (MoE-18, bench moe.k18: an epoch of 0.98 s, and 570 MB faulted back in the next).
    /// </summary>
    public bool AfterEpoch(long resident)
    {
        if (!steady)
        {
            bool grows = resident > workingSet;
            if (settled < SettlingEpochs || (grows && settled < MaxSettlingEpochs))
            {
                workingSet = Math.Max(workingSet, resident);
                settled++;
                return false;
            }
            steady = true;
        }
        if (resident <= workingSet * Growth) return false;
        Reset();
        return true;
    }

    /// <summary>Forgets the working set (after a trim, or when a run ends).</summary>
    public void Reset()
    {
        workingSet = 0;
        settled = 0;
        steady = false;
    }
}
