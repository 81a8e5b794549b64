/**
 * Control characters a terminal acts on (ESC starts colour, cursor, title, clipboard and hyperlink
 * sequences; C1 controls are their 8-bit form), except tab and line ends. A model's or a server's text
 * printed raw could erase the guard's verdict line above it, rewrite it, or write the clipboard (OSC 52).
 */
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu;

/**
 * Shows each terminal control as a visible escape (`\x1b`) instead of letting the terminal act on it
 * (a CRLF is a line end; a lone CR, which lets text overwrite the line it is on, is shown too).
 */
export function toTerminalText(text: string): string {
  return text.replace(/\r\n/gu, '\n').replace(TERMINAL_CONTROLS, (control) => `\\x${control.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
