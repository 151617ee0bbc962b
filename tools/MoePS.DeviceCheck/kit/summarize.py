"""Summarises a device check's output folder: summary.json (steps, shim, peak GPU memory during each step) and a printout."""
import csv, datetime, glob, json, os, sys

out = sys.argv[1]
def load(path):
    with open(path) as f:
        return json.load(f)
def when(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(datetime.timezone.utc)

samples = []  # (time, MiB used, MiB total, utilisation %)
memory_file = os.path.join(out, "gpu-memory.csv")
if os.path.exists(memory_file):
    for row in csv.reader(open(memory_file)):
        try:
            t = datetime.datetime.strptime(row[0].strip(), "%Y/%m/%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
            samples.append((t, float(row[1]), float(row[2]), float(row[3])))
        except (ValueError, IndexError):
            pass

steps = []
for path in sorted(glob.glob(os.path.join(out, "*.json")), key=os.path.getmtime):
    name = os.path.basename(path)[:-5]
    if name in ("summary", "shim"):
        continue
    step = load(path)
    during = [s for s in samples if when(step["started"]) <= s[0] <= when(step["finished"])]
    checks = (step.get("details") or {}).get("checks", [])
    steps.append({
        "step": step["step"], "status": step["status"], "seconds": round(step["seconds"], 1),
        "peakGpuMemoryMiB": max((s[1] for s in during), default=None),
        "meanGpuUtilisation": round(sum(s[3] for s in during) / len(during), 1) if during else None,
        "failedChecks": [c["Name"] for c in checks if not c["Passed"]],
        "error": (step.get("error") or "").split("\n")[0] or None,
    })
summary = {
    "shim": load(os.path.join(out, "shim.json")) if os.path.exists(os.path.join(out, "shim.json")) else None,
    "gpuMemoryTotalMiB": samples[0][2] if samples else None,
    "peakGpuMemoryMiB": max((s[1] for s in samples), default=None),
    "steps": steps,
}
with open(os.path.join(out, "summary.json"), "w") as f:
    json.dump(summary, f, indent=2)
print(json.dumps(summary, indent=2))
