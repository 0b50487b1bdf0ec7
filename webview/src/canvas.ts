/**
 * Canvas sizing shared by the 2-D charts and the WebGL map: the backing store follows the on-screen box
 * times the device pixel ratio, so drawing stays sharp on high-density screens.
 */
export function sizeCanvas(canvas: HTMLCanvasElement): number {
  const dpr = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  const width = Math.round(rect.width * dpr);
  const height = Math.round(rect.height * dpr);
  // Assigning the size clears the canvas even when unchanged: only on a real change.
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  return dpr;
}

/** Sizes a 2-D canvas and clears it; null when the canvas has no 2D context. */
export function prepareCanvas(canvas: HTMLCanvasElement): { g: CanvasRenderingContext2D; dpr: number } | null {
  const g = canvas.getContext('2d');
  if (!g) return null;
  const dpr = sizeCanvas(canvas);
  g.clearRect(0, 0, canvas.width, canvas.height);
  return { g, dpr };
}
