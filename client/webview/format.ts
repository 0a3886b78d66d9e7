// Number, duration and time formatting shared by the panel and the status bar. Pure.

/** A rate or count in a few characters: 0.5, 12, 1.2k, 3.4M. */
export function formatCompact(n: number): string {
    if (!Number.isFinite(n)) return '–';
    const abs = Math.abs(n);
    if (abs === 0) return '0';
    if (abs < 10) return trimZero(n.toFixed(1));
    if (abs < 1000) return Math.round(n).toString();
    if (abs < 1e6) return `${trimZero((n / 1e3).toFixed(abs < 1e4 ? 1 : 0))}k`;
    if (abs < 1e9) return `${trimZero((n / 1e6).toFixed(abs < 1e7 ? 1 : 0))}M`;
    return `${trimZero((n / 1e9).toFixed(1))}G`;
}

function trimZero(s: string): string {
    return s.endsWith('.0') ? s.slice(0, -2) : s;
}

/** 1,234,567 (grouping without depending on the webview's locale). */
export function formatCount(n: number): string {
    return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 45s, 3m 04s, 2h 05m, 3d 04h. */
export function formatDuration(seconds: number): string {
    const s = Math.max(0, Math.floor(seconds));
    if (s < 60) return `${s}s`;
    const pad = (n: number) => n.toString().padStart(2, '0');
    if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
    if (s < 86400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
    return `${Math.floor(s / 86400)}d ${pad(Math.floor((s % 86400) / 3600))}h`;
}

/** HH:MM:SS.mmm in local time. */
export function formatClock(time: number): string {
    const d = new Date(time);
    const pad = (n: number, w = 2) => n.toString().padStart(w, '0');
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
