/**
 * Sizes a canvas's backing store to its on-screen box times the device pixel ratio, so drawing stays sharp
 * on high-density screens, and clears it. Returns null when the canvas has no 2D context.
 */
export function prepareCanvas(canvas: HTMLCanvasElement): { g: CanvasRenderingContext2D; dpr: number } | null {
  const g = canvas.getContext('2d');
  if (!g) return null;
  const dpr = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  canvas.width = rect.width * dpr;
  canvas.height = rect.height * dpr;
  g.clearRect(0, 0, canvas.width, canvas.height);
  return { g, dpr };
}
