using MoePS.Engine.Benchmarks;
using ScottPlot;
using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Reports;

/// <summary>The report's figures, drawn with ScottPlot and returned as PNG bytes.</summary>
public static class ReportPlots
{
    public const int Width = 900;
    public const int Height = 600;

    /// <summary>
    /// The paper's Fig. 2: % improvement of TL and MoE over STL against dataset size (log x),
    /// with a least-squares line in log10(size) per method. Null when no task has STL and TL/MoE.
    /// </summary>
    public static ReportImage? ImprovementVsSize(IReadOnlyList<BenchmarkSummary> summaries)
    {
        var series = new[] { LearningMethod.TL, LearningMethod.MoE }
            .Select(m => (Method: m, Points: summaries
                .Where(s => s.Method == m && s.ImprovementOverSTL.HasValue && s.Rows > 0)
                .GroupBy(s => s.Task).Select(g => g.First())
                .Select(s => (X: Math.Log10(s.Rows), Y: s.ImprovementOverSTL!.Value, s.Task)).ToList()))
            .Where(s => s.Points.Count > 0)
            .ToList();
        if (series.Count == 0) return null;

        var plot = new Plot();
        var colors = new[] { Colors.DarkOrange, Colors.SteelBlue };
        for (int i = 0; i < series.Count; i++)
        {
            var (method, points) = series[i];
            var xs = points.Select(p => p.X).ToArray();
            var ys = points.Select(p => p.Y).ToArray();
            var scatter = plot.Add.ScatterPoints(xs, ys, colors[i]);
            scatter.MarkerSize = 9;
            scatter.LegendText = method.ToString();
            if (xs.Distinct().Count() >= 2)
            {
                var (a, b) = Statistics.LinearFit(xs, ys);
                double x0 = xs.Min(), x1 = xs.Max();
                var line = plot.Add.Line(x0, a + b * x0, x1, a + b * x1);
                line.Color = colors[i];
                line.LineWidth = 2;
                line.LinePattern = LinePattern.Dashed;
                line.LegendText = $"{method} fit: {b:+0.0;-0.0} % per decade";
            }
        }
        var zero = plot.Add.HorizontalLine(0);
        zero.Color = Colors.Gray;
        zero.LineWidth = 1;

        var allX = series.SelectMany(s => s.Points).Select(p => p.X).ToList();
        LogTicks(plot.Axes.Bottom, allX.Min(), allX.Max());
        plot.XLabel("Dataset size (rows, log scale)");
        plot.YLabel("Test MAE improvement over STL (%)");
        plot.Title("Improvement over single-task learning vs dataset size (cf. paper Fig. 2)");
        plot.ShowLegend(Alignment.UpperRight);
        return Render(plot, "fig2-improvement-vs-size", "Improvement over STL vs dataset size");
    }

    /// <summary>The paper's Fig. 4: mean gate score per row (task and mixture) and extractor.</summary>
    public static ReportImage? GateHeatmap(GateScoreTable table)
    {
        if (table.RowLabels.Count == 0) return null;
        int rows = table.RowLabels.Count, cols = table.Extractors.Count;
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(table.Scores);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap).Label = "Gate score";

        // Cell (r, c) is centred on x = c, y = rows - 1 - r: row 0 is drawn at the top.
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, cols).Select(c => (double)c).ToArray(), table.Extractors.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows).Select(r => (double)(rows - 1 - r)).ToArray(), table.RowLabels.ToArray());
        plot.Axes.Bottom.MinimumSize = 150;
        plot.Title("Gate scores: task × extractor (cf. paper Fig. 4)");
        return Render(plot, "fig4-gate-scores", "Gate scores (task × extractor)",
            width: Math.Max(Width, 200 + 45 * cols), height: Math.Max(400, 220 + 30 * rows));
    }

    /// <summary>Predicted vs actual on the test set of one task, one colour per method, with the y = x line.</summary>
    public static ReportImage? Parity(string task, string? unit, IReadOnlyList<(string Label, ParityData Data)> series)
    {
        var usable = series.Where(s => s.Data.Count > 0).ToList();
        if (usable.Count == 0) return null;
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < usable.Count; i++)
        {
            var (label, data) = usable[i];
            var points = plot.Add.ScatterPoints(data.Actual, data.Predicted, palette.GetColor(i).WithAlpha(0.7));
            points.MarkerSize = 6;
            points.LegendText = label;
            lo = Math.Min(lo, Math.Min(data.Actual.Min(), data.Predicted.Min()));
            hi = Math.Max(hi, Math.Max(data.Actual.Max(), data.Predicted.Max()));
        }
        double pad = hi > lo ? (hi - lo) * 0.05 : 1;
        var diagonal = plot.Add.Line(lo - pad, lo - pad, hi + pad, hi + pad);
        diagonal.Color = Colors.Black;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "y = x";
        plot.Axes.SetLimits(lo - pad, hi + pad, lo - pad, hi + pad);
        string u = string.IsNullOrEmpty(unit) ? "" : $" ({unit})";
        plot.XLabel("Actual" + u);
        plot.YLabel("Predicted" + u);
        plot.Title($"{task}: predicted vs actual (test set)");
        plot.ShowLegend(Alignment.UpperLeft);
        return Render(plot, "parity-" + task, $"Parity: {task}", width: 700, height: 700);
    }

    /// <summary>
    /// Ticks for an axis holding log10 values: labels 1-2-5 per decade over the data's range (plus a
    /// decade either side), minor ticks at the other integers of each decade.
    /// </summary>
    static void LogTicks(IAxis axis, double minLog, double maxLog)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int decade = (int)Math.Floor(minLog) - 1; decade <= (int)Math.Ceiling(maxLog) + 1; decade++)
            for (int m = 1; m <= 9; m++)
            {
                double value = m * Math.Pow(10, decade);
                if (m is 1 or 2 or 5)
                    ticks.AddMajor(Math.Log10(value), value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
                else
                    ticks.AddMinor(Math.Log10(value));
            }
        axis.TickGenerator = ticks;
    }

    static ReportImage Render(Plot plot, string name, string title, int width = Width, int height = Height) =>
        new(name, title, plot.GetImageBytes(width, height, ImageFormat.Png), width, height);
}
