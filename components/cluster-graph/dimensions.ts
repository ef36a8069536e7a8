/** Box sizes in model units (1 unit = 1 CSS pixel at zoom 1), shared by builder and layout. */
export const POD_WIDTH = 164;
export const INTERFACE_WIDTH = 132;
export const INTERFACE_HEIGHT = 40;
export const SERVICE_WIDTH = 192;
export const NETWORK_HEIGHT = 34;
export const LINE_HEIGHT = 14;
export const BOX_PADDING_Y = 12;

/** Height of a box that prints `lines` lines of label. */
export function boxHeight(lines: number): number {
  return lines * LINE_HEIGHT + BOX_PADDING_Y;
}
