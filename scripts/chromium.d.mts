export function ensureChromium(): { path: string; reason?: undefined } | { path?: undefined; reason: string };
