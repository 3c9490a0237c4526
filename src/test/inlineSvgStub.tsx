// @grafana/ui's icons fetch their SVG files over HTTP; in jsdom they render as empty svg elements.
export default function InlineSvg(props: { className?: string; title?: string }) {
  return <svg className={props.className} aria-label={props.title} />;
}
