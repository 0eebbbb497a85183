/**
 * GitHub Actions workflow commands: a line `::error file=<path>,title=<title>::<message>` on
 * standard output becomes an annotation on that file in the run and the pull request.
 */

/** Properties of one annotation; `file` is relative to the repository root. */
export interface AnnotationProperties {
  file?: string;
  title?: string;
}

/** Formats one `::error` or `::warning` workflow command line, escaping as GitHub requires. */
export function annotation(
  level: 'error' | 'warning' | 'notice',
  properties: AnnotationProperties,
  message: string,
): string {
  const parts: string[] = [];
  if (properties.file !== undefined) parts.push(`file=${escapeProperty(properties.file)}`);
  if (properties.title !== undefined) parts.push(`title=${escapeProperty(properties.title)}`);
  const head = parts.length === 0 ? `::${level}` : `::${level} ${parts.join(',')}`;
  return `${head}::${escapeData(message)}`;
}

// The runner decodes %25, %0D and %0A in a message, and also %3A and %2C in a property,
// where ':' and ',' would otherwise end the value.
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
