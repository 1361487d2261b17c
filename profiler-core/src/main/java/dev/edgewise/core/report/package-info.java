/**
 * Reports: one immutable model ({@link dev.edgewise.core.report.Report}) and the writers that
 * render it ({@link dev.edgewise.core.spi.ReportWriter}: HTML, PDF, Markdown, JSON, CSV).
 *
 * <p>How to fill it. {@link dev.edgewise.core.report.ReportFactory#fromAnalysis} builds the model
 * summary, totals, category breakdown and per-layer table from a
 * {@link dev.edgewise.core.analysis.ModelAnalysis}. Optimization work attaches an
 * {@link dev.edgewise.core.report.OptimizationSection} with {@code report.withOptimization(..)};
 * device work attaches a {@link dev.edgewise.core.report.DeviceSection} with
 * {@code report.withDevice(..)} ({@link dev.edgewise.core.report.LatencyStats#of} computes the
 * latency statistics from iteration times). Every writer renders these sections when present.
 *
 * <p>Provenance. Each group of figures holds an {@link dev.edgewise.core.report.Origin}: the
 * {@link dev.edgewise.core.analysis.Provenance} kind plus the concrete source (the energy model by
 * name, the sensor or clock for measured figures, the emulator). Writers show it next to the figures.
 *
 * <p>Untrusted text. Names, producers and device strings come from files and devices: HTML and PDF
 * build the document through jsoup's element API (text nodes only), Markdown backslash-escapes
 * punctuation, CSV quotes per RFC 4180 and defuses spreadsheet formulas.
 *
 * <p>JSON layout. Snake-case keys sorted alphabetically, absent sections omitted,
 * {@code report_version} = {@link dev.edgewise.core.report.Report#CURRENT_VERSION}. Readers refuse
 * unknown keys and newer versions, and read older files (a field they lack reads as null or 0): so
 * bump the version whenever a field is added, removed or changes meaning.
 */
package dev.edgewise.core.report;
