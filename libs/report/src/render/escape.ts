/**
 * Escapes text for HTML element content and double-quoted attribute values
 * (inside SVG too). Every string that comes from control events (scenario
 * names, topics, keys, fault targets, reasons) goes through this: a topic named
 * `<script>` renders as text.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
