// Picks the parser for a scrape response the way Prometheus 3 does: by the media type of the
// Content-Type header, failing when it is missing or unknown unless a fallback protocol is set.
import { quote } from './scan';
import { ExpositionFormat, ParseError } from './types';

/** Scrape protocol names (`scrape_protocols`, `fallback_scrape_protocol`) and the media types they stand for. */
const PROTOCOL_MEDIA_TYPES: Record<string, string> = {
  PrometheusProto: 'application/vnd.google.protobuf',
  'OpenMetricsText0.0.1': 'application/openmetrics-text',
  'OpenMetricsText1.0.0': 'application/openmetrics-text',
  'PrometheusText0.0.4': 'text/plain',
  'PrometheusText1.0.0': 'text/plain',
};

const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

export interface FormatChoice {
  format: ExpositionFormat;
  /** Set when the fallback protocol was used; Prometheus logs it at debug level. */
  warning?: string;
}

function formatOf(mediaType: string): ExpositionFormat | undefined {
  if (mediaType === 'application/openmetrics-text') return 'openmetrics';
  if (mediaType === 'text/plain') return 'prometheus-text';
  return undefined;
}

/** `fallback` is a scrape protocol name (`PrometheusText0.0.4`, ...) or a media type. */
export function selectFormat(contentType: string, fallback?: string): FormatChoice {
  const fallbackType = fallback ? (PROTOCOL_MEDIA_TYPES[fallback] ?? fallback) : '';
  const useFallback = (warning: string): FormatChoice => {
    const format = formatOf(fallbackType);
    if (!format) throw new ParseError(`unsupported fallback_scrape_protocol ${quote(fallback ?? '')}`);
    return { format, warning };
  };
  if (contentType.trim() === '') {
    if (!fallbackType)
      throw new ParseError(
        'non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target'
      );
    return useFallback(
      `non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol ${quote(fallbackType)}`
    );
  }
  const semi = contentType.indexOf(';');
  const mediaType = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (!MEDIA_TYPE.test(mediaType)) {
    if (!fallbackType)
      throw new ParseError(
        `cannot parse Content-Type ${quote(contentType)} and no fallback_scrape_protocol for target`
      );
    return useFallback(
      `could not parse received Content-Type ${quote(contentType)}, using fallback_scrape_protocol ${quote(fallbackType)}`
    );
  }
  const format = formatOf(mediaType);
  if (format) return { format };
  if (!fallbackType)
    throw new ParseError(
      `received unsupported Content-Type ${quote(contentType)} and no fallback_scrape_protocol specified for target`
    );
  return useFallback(
    `received unsupported Content-Type ${quote(contentType)}, using fallback_scrape_protocol ${quote(fallbackType)}`
  );
}
