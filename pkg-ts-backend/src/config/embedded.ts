// The configuration flint runs with when no config file exists: it scrapes itself every 15 s,
// so a newcomer sees data at once. `TARGET` is replaced by flint's own listen address.

export function embeddedConfigYaml(selfTarget: string): string {
  return `# flint's embedded default configuration (used because no config file was found).
global:
  scrape_interval: 15s
  evaluation_interval: 15s

scrape_configs:
  - job_name: flint
    static_configs:
      - targets: ['${selfTarget}']
`;
}

/** The address flint scrapes itself on: a wildcard listen address is reached through loopback. */
export function selfScrapeTarget(listenAddress: string): string {
  const i = listenAddress.lastIndexOf(':');
  const host = listenAddress.slice(0, i);
  const port = listenAddress.slice(i + 1);
  const reachable = host === '' || host === '0.0.0.0' || host === '[::]' || host === '::' ? 'localhost' : host;
  return `${reachable}:${port}`;
}
