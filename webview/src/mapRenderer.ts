/**
 * Draws the map's points with WebGL2: one buffer of positions (data coordinates, uploaded once per
 * run), one of colour indices into a palette texture, one of highlight flags, all drawn in one call
 * into an offscreen texture. A frame shows that texture moved and scaled to the current pan and zoom
 * (one quad), so panning costs the same at 1k or 1M points; the points are drawn again when the view
 * settles or anything else changes. Measured in Chromium's software WebGL (SwiftShader, the UI test's
 * renderer): drawing 200k points takes ~290 ms on 2 cores, showing the texture a few ms.
 *
 * Hand-written rather than a library, after measuring (docs/measurements/map.md): regl-scatterplot
 * (MIT, 225 kB minified) builds every draw command with `Function(...)` through regl, which the
 * webview's CSP (no 'unsafe-eval') refuses; deck.gl's bundle is several times larger; embedding-atlas
 * from 0.24 needs WebGPU, which VS Code's webviews do not promise. What the map needs from WebGL is
 * ~150 lines, and it runs under the strict CSP and in Chromium's software WebGL (SwiftShader).
 */

const VERTEX = `#version 300 es
in vec2 a_pos;
in uint a_cat;
in float a_flag;
uniform vec4 u_xform;
uniform float u_size;
uniform float u_dimOthers;
uniform sampler2D u_palette;
out vec4 v_colour;
void main() {
  gl_Position = vec4(a_pos.x * u_xform.x + u_xform.y, a_pos.y * u_xform.z + u_xform.w, 0.0, 1.0);
  vec4 c = texelFetch(u_palette, ivec2(int(a_cat % 256u), int(a_cat / 256u)), 0);
  bool lit = a_flag > 0.5;
  // A highlight (search hit, lasso selection) shows even in a faded cluster; everything else recedes.
  if (u_dimOthers > 0.5) c.a = lit ? max(c.a, 0.9) : c.a * 0.12;
  gl_PointSize = lit && u_dimOthers > 0.5 ? u_size * 1.7 : u_size;
  v_colour = c;
}`;

const FRAGMENT = `#version 300 es
precision mediump float;
in vec4 v_colour;
out vec4 outColour;
void main() {
  vec2 d = gl_PointCoord - vec2(0.5);
  if (dot(d, d) > 0.25) discard;
  outColour = vec4(v_colour.rgb * v_colour.a, v_colour.a);
}`;

const QUAD_VERTEX = `#version 300 es
in vec2 a_corner;
uniform vec4 u_map;
out vec2 v_uv;
void main() {
  gl_Position = vec4(a_corner.x * u_map.x + u_map.y, a_corner.y * u_map.z + u_map.w, 0.0, 1.0);
  v_uv = a_corner * 0.5 + 0.5;
}`;

const QUAD_FRAGMENT = `#version 300 es
precision mediump float;
in vec2 v_uv;
uniform sampler2D u_image;
out vec4 outColour;
void main() {
  outColour = texture(u_image, v_uv);
}`;

/** Data → clip space as [ax, bx, ay, by] (clipTransform). */
export type Xform = readonly [number, number, number, number];

/** Palette texture rows are this wide: category c is texel (c mod 256, c div 256). */
const PALETTE_ROW = 256;

export class PointRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly program: WebGLProgram;
  private readonly positions: WebGLBuffer;
  private readonly categories: WebGLBuffer;
  private readonly flags: WebGLBuffer;
  private readonly palette: WebGLTexture;
  private readonly vao: WebGLVertexArrayObject;
  private readonly uniforms: { xform: WebGLUniformLocation | null; size: WebGLUniformLocation | null; dim: WebGLUniformLocation | null; palette: WebGLUniformLocation | null };
  private readonly quad: { program: WebGLProgram; vao: WebGLVertexArrayObject; map: WebGLUniformLocation | null; image: WebGLUniformLocation | null };
  private readonly image: WebGLTexture;
  private readonly frame: WebGLFramebuffer;
  private imageSize: [number, number] = [0, 0];
  /** The transform the offscreen image was drawn with; null: it must be drawn (again). */
  private drawnWith: Xform | null = null;
  private count = 0;
  private dimOthers = false;

  /** Null when the canvas gives no WebGL2 context (the caller says so instead of a map). */
  static create(canvas: HTMLCanvasElement): PointRenderer | null {
    const gl = canvas.getContext('webgl2', { antialias: false, premultipliedAlpha: true, alpha: true });
    return gl ? new PointRenderer(gl) : null;
  }

  private constructor(gl: WebGL2RenderingContext) {
    this.gl = gl;
    this.program = link(gl, compile(gl, gl.VERTEX_SHADER, VERTEX), compile(gl, gl.FRAGMENT_SHADER, FRAGMENT));
    this.vao = must(gl.createVertexArray(), 'vertex array');
    this.positions = must(gl.createBuffer(), 'buffer');
    this.categories = must(gl.createBuffer(), 'buffer');
    this.flags = must(gl.createBuffer(), 'buffer');
    this.palette = must(gl.createTexture(), 'texture');
    gl.bindVertexArray(this.vao);
    const attr = (name: string) => gl.getAttribLocation(this.program, name);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.positions);
    gl.enableVertexAttribArray(attr('a_pos'));
    gl.vertexAttribPointer(attr('a_pos'), 2, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.categories);
    gl.enableVertexAttribArray(attr('a_cat'));
    gl.vertexAttribIPointer(attr('a_cat'), 1, gl.UNSIGNED_SHORT, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.flags);
    gl.enableVertexAttribArray(attr('a_flag'));
    // Not normalised: a flag of 1 reads as 1.0 (normalised it would be 1/255).
    gl.vertexAttribPointer(attr('a_flag'), 1, gl.UNSIGNED_BYTE, false, 0, 0);
    gl.bindVertexArray(null);
    const at = (name: string) => gl.getUniformLocation(this.program, name);
    this.uniforms = { xform: at('u_xform'), size: at('u_size'), dim: at('u_dimOthers'), palette: at('u_palette') };

    const quad = link(gl, compile(gl, gl.VERTEX_SHADER, QUAD_VERTEX), compile(gl, gl.FRAGMENT_SHADER, QUAD_FRAGMENT));
    const quadVao = must(gl.createVertexArray(), 'vertex array');
    gl.bindVertexArray(quadVao);
    gl.bindBuffer(gl.ARRAY_BUFFER, must(gl.createBuffer(), 'buffer'));
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    const corner = gl.getAttribLocation(quad, 'a_corner');
    gl.enableVertexAttribArray(corner);
    gl.vertexAttribPointer(corner, 2, gl.FLOAT, false, 0, 0);
    gl.bindVertexArray(null);
    this.quad = { program: quad, vao: quadVao, map: gl.getUniformLocation(quad, 'u_map'), image: gl.getUniformLocation(quad, 'u_image') };
    this.image = must(gl.createTexture(), 'texture');
    this.frame = must(gl.createFramebuffer(), 'framebuffer');
  }

  /** Whether the offscreen image is stale (new data, colours, flags or size): the next frame must redraw the points. */
  get stale(): boolean {
    return this.drawnWith === null;
  }

  /** Positions, interleaved x, y in paint order (2 floats a point). */
  setPositions(xy: Float32Array): void {
    this.count = xy.length / 2;
    this.upload(this.positions, xy);
    this.drawnWith = null;
  }

  /** Each point's palette index, in paint order. */
  setCategories(cat: Uint16Array): void {
    this.upload(this.categories, cat);
    this.drawnWith = null;
  }

  /** 1 for highlighted points (search hits, a lasso selection), in paint order; null: none, nothing dims. */
  setFlags(flags: Uint8Array | null): void {
    this.dimOthers = flags !== null;
    this.upload(this.flags, flags ?? new Uint8Array(this.count));
    this.drawnWith = null;
  }

  /** RGBA bytes, 4 per category (alpha not premultiplied). */
  setPalette(rgba: Uint8Array): void {
    const gl = this.gl;
    const n = rgba.length / 4;
    const rows = Math.max(1, Math.ceil(n / PALETTE_ROW));
    const padded = new Uint8Array(PALETTE_ROW * rows * 4);
    padded.set(rgba);
    gl.bindTexture(gl.TEXTURE_2D, this.palette);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, PALETTE_ROW, rows, 0, gl.RGBA, gl.UNSIGNED_BYTE, padded);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    this.drawnWith = null;
  }

  /**
   * One frame: the points drawn offscreen with `xform` when the image is stale or `redraw` is asked
   * (the view settled), then the image shown where `xform` puts it. Returns the points drawn into the
   * image shown.
   */
  frameAt(xform: Xform, pointSize: number, redraw: boolean): number {
    const gl = this.gl;
    const w = gl.drawingBufferWidth;
    const h = gl.drawingBufferHeight;
    if (w !== this.imageSize[0] || h !== this.imageSize[1]) this.resizeImage(w, h);
    if (redraw || !this.drawnWith) {
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.frame);
      const ok = this.drawPoints(xform, pointSize);
      gl.bindFramebuffer(gl.FRAMEBUFFER, null);
      this.drawnWith = ok ? xform : null;
    }
    this.present(xform);
    return this.drawnWith ? this.count : 0;
  }

  private resizeImage(w: number, h: number): void {
    const gl = this.gl;
    gl.bindTexture(gl.TEXTURE_2D, this.image);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, w, h, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.frame);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, this.image, 0);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    this.imageSize = [w, h];
    this.drawnWith = null;
  }

  /** The offscreen image on the canvas, moved and scaled from where it was drawn to where `xform` puts it. */
  private present(xform: Xform): void {
    const gl = this.gl;
    gl.viewport(0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    const base = this.drawnWith;
    if (!base) return;
    // Both maps are axis-wise linear: clip_now = clip_then · (a_now / a_then) + (b_now − b_then · a_now / a_then).
    const sx = xform[0] / base[0];
    const sy = xform[2] / base[2];
    gl.disable(gl.BLEND);
    gl.useProgram(this.quad.program);
    gl.uniform4f(this.quad.map, sx, xform[1] - base[1] * sx, sy, xform[3] - base[3] * sy);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.image);
    gl.uniform1i(this.quad.image, 0);
    gl.bindVertexArray(this.quad.vao);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.bindVertexArray(null);
  }

  /** Clears the bound target and draws every point; `xform` maps data to clip space (clipTransform). False on a GL error. */
  private drawPoints(xform: Xform, pointSize: number): boolean {
    const gl = this.gl;
    gl.viewport(0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (!this.count) return true;
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.useProgram(this.program);
    gl.uniform4f(this.uniforms.xform, xform[0], xform[1], xform[2], xform[3]);
    gl.uniform1f(this.uniforms.size, pointSize);
    gl.uniform1f(this.uniforms.dim, this.dimOthers ? 1 : 0);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.palette);
    gl.uniform1i(this.uniforms.palette, 0);
    gl.bindVertexArray(this.vao);
    gl.drawArrays(gl.POINTS, 0, this.count);
    gl.bindVertexArray(null);
    return gl.getError() === gl.NO_ERROR;
  }

  private upload(buffer: WebGLBuffer, data: ArrayBufferView): void {
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
  }
}

function must<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`WebGL could not create a ${what}`);
  return value;
}

function compile(gl: WebGL2RenderingContext, type: number, source: string): WebGLShader {
  const shader = must(gl.createShader(type), 'shader');
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`map shader: ${gl.getShaderInfoLog(shader) ?? 'did not compile'}`);
  return shader;
}

function link(gl: WebGL2RenderingContext, vertex: WebGLShader, fragment: WebGLShader): WebGLProgram {
  const program = must(gl.createProgram(), 'program');
  gl.attachShader(program, vertex);
  gl.attachShader(program, fragment);
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`map shader: ${gl.getProgramInfoLog(program) ?? 'did not link'}`);
  return program;
}
