// Small uPlot time-series charts of the selected component: samples in/out per second, errors
// per second and queue depth. Colours come from the VS Code theme's CSS variables; the charts
// are rebuilt when the theme changes (uPlot draws on a canvas and cannot follow CSS by itself).

import uPlot from 'uplot';
import { formatCompact } from '../format.js';
import type { SeriesData } from '../state/metric-history.js';

interface ChartSpec {
    readonly title: string;
    /** Columns of SeriesData (after the time column) and their legend names and colour variables. */
    readonly series: ReadonlyArray<{ readonly column: number; readonly label: string; readonly color: string; readonly fallback: string }>;
}

const CHARTS: readonly ChartSpec[] = [
    {
        title: 'Samples/s',
        series: [
            { column: 1, label: 'in', color: '--vscode-charts-blue', fallback: '#3794ff' },
            { column: 2, label: 'out', color: '--vscode-charts-green', fallback: '#89d185' },
        ],
    },
    { title: 'Errors/s', series: [{ column: 3, label: 'errors', color: '--vscode-charts-red', fallback: '#f14c4c' }] },
    { title: 'Queue depth', series: [{ column: 4, label: 'queued', color: '--vscode-charts-yellow', fallback: '#cca700' }] },
];

const CHART_HEIGHT = 90;

interface Chart {
    readonly spec: ChartSpec;
    readonly heading: HTMLElement;
    readonly host: HTMLElement;
    plot: uPlot | undefined;
}

export class MetricCharts {
    private readonly charts: Chart[];
    private data: SeriesData | undefined;

    constructor(private readonly container: HTMLElement) {
        this.charts = CHARTS.map((spec) => {
            const figure = container.appendChild(document.createElement('figure'));
            figure.className = 'chart';
            const heading = figure.appendChild(document.createElement('figcaption'));
            const host = figure.appendChild(document.createElement('div'));
            return { spec, heading, host, plot: undefined };
        });
        new ResizeObserver(() => this.resize()).observe(container);
        // VS Code swaps the body's theme class (vscode-dark, vscode-light, …) on a theme change.
        new MutationObserver(() => this.rebuild()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    }

    /** Shows a component's history; undefined clears the charts. */
    show(data: SeriesData | undefined): void {
        this.data = data;
        for (const chart of this.charts) {
            this.caption(chart);
            if (!data) {
                chart.plot?.destroy();
                chart.plot = undefined;
            } else if (chart.plot) chart.plot.setData(this.columns(chart));
            else chart.plot = this.create(chart);
        }
    }

    private rebuild(): void {
        for (const chart of this.charts) {
            chart.plot?.destroy();
            chart.plot = this.data ? this.create(chart) : undefined;
        }
    }

    private resize(): void {
        const width = this.width();
        for (const chart of this.charts) chart.plot?.setSize({ width, height: CHART_HEIGHT });
    }

    private width(): number {
        return Math.max(120, this.container.clientWidth);
    }

    private columns(chart: Chart): uPlot.AlignedData {
        const data = this.data!;
        return [data[0], ...chart.spec.series.map((s) => data[s.column])];
    }

    /** `Samples/s  in 1.2k · out 1.1k` with the latest values. */
    private caption(chart: Chart): void {
        const latest = (column: number) => {
            const values = this.data?.[column] as Array<number | null> | undefined;
            const v = values?.at(-1);
            return v === null || v === undefined ? '–' : formatCompact(v);
        };
        const values = chart.spec.series.map((s) => `${s.label} ${latest(s.column)}`).join(' · ');
        chart.heading.textContent = `${chart.spec.title}  ${values}`;
    }

    private create(chart: Chart): uPlot {
        const style = getComputedStyle(document.body);
        const color = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
        const foreground = color('--vscode-descriptionForeground', '#888');
        const grid = color('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)');
        const font = `10px ${style.getPropertyValue('--vscode-font-family').trim() || 'sans-serif'}`;
        const axis: uPlot.Axis = { stroke: foreground, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, size: 28 };
        return new uPlot(
            {
                width: this.width(),
                height: CHART_HEIGHT,
                legend: { show: false },
                cursor: { drag: { x: false, y: false } },
                scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
                axes: [axis, { ...axis, size: 40, values: (_u, ticks) => ticks.map((t) => formatCompact(t)) }],
                series: [
                    {},
                    ...chart.spec.series.map((s) => ({ label: s.label, stroke: color(s.color, s.fallback), width: 1.5, spanGaps: false, points: { show: false } })),
                ],
            },
            this.columns(chart),
            chart.host,
        );
    }
}
