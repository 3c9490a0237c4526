// dns_sd_configs: targets from SRV, A, AAAA, MX or NS records, looked up every refresh_interval,
// labelled as Prometheus labels them. A name whose lookup fails keeps its previous targets.
import dns from 'node:dns/promises';
import { DNSSDConfig } from '../config/types';
import { Label, Labels, labelsFromPairs } from '../model/labels';
import { Logger } from '../util/log';
import { Discoverer } from './discoverer';
import { dnsLookupFailuresTotal, dnsLookupsTotal } from './metrics';
import { ADDRESS_LABEL, TargetGroup } from './targetGroup';

export const DNS_NAME_LABEL = '__meta_dns_name';
export const DNS_SRV_TARGET_LABEL = '__meta_dns_srv_record_target';
export const DNS_SRV_PORT_LABEL = '__meta_dns_srv_record_port';
export const DNS_MX_TARGET_LABEL = '__meta_dns_mx_record_target';
export const DNS_NS_TARGET_LABEL = '__meta_dns_ns_record_target';

/** The lookups DNS discovery needs; node's resolver by default, replaceable in tests. */
export interface DNSLookup {
  resolveSrv(name: string): Promise<{ name: string; port: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveMx(name: string): Promise<{ exchange: string }[]>;
  resolveNs(name: string): Promise<string[]>;
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's resolver reports names fully qualified; keep that form in the meta labels. */
function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

function target(address: string, name: string, extra: Label[]): Labels {
  return labelsFromPairs([{ name: ADDRESS_LABEL, value: address }, { name: DNS_NAME_LABEL, value: name }, ...extra]);
}

export async function lookupTargets(cfg: DNSSDConfig, name: string, resolver: DNSLookup): Promise<Labels[]> {
  switch (cfg.type) {
    case 'SRV':
      return (await resolver.resolveSrv(name)).map((r) =>
        target(joinHostPort(r.name.replace(/\.$/, ''), r.port), name, [
          { name: DNS_SRV_TARGET_LABEL, value: fqdn(r.name) },
          { name: DNS_SRV_PORT_LABEL, value: String(r.port) },
        ])
      );
    case 'A':
      return (await resolver.resolve4(name)).map((ip) => target(joinHostPort(ip, cfg.port), name, []));
    case 'AAAA':
      return (await resolver.resolve6(name)).map((ip) => target(joinHostPort(ip, cfg.port), name, []));
    case 'MX':
      return (await resolver.resolveMx(name)).map((r) =>
        target(joinHostPort(r.exchange.replace(/\.$/, ''), cfg.port), name, [{ name: DNS_MX_TARGET_LABEL, value: fqdn(r.exchange) }])
      );
    case 'NS':
      return (await resolver.resolveNs(name)).map((ns) => target(joinHostPort(ns.replace(/\.$/, ''), cfg.port), name, [{ name: DNS_NS_TARGET_LABEL, value: fqdn(ns) }]));
  }
}

export class DNSDiscoverer implements Discoverer {
  private readonly byName = new Map<string, TargetGroup>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastEmitted = '';

  constructor(
    private readonly config: DNSSDConfig,
    private readonly logger: Logger,
    private readonly resolver: DNSLookup = new dns.Resolver()
  ) {}

  run(update: (groups: TargetGroup[]) => void): void {
    const tick = async () => {
      await Promise.all(
        this.config.names.map(async (name) => {
          dnsLookupsTotal.inc();
          try {
            this.byName.set(name, { source: name, targets: await lookupTargets(this.config, name, this.resolver), labels: [] });
          } catch (err) {
            dnsLookupFailuresTotal.inc();
            this.logger.error('Error refreshing DNS targets', { name, err });
          }
        })
      );
      const groups = this.config.names.flatMap((n) => this.byName.get(n) ?? []);
      const key = JSON.stringify(groups);
      if (!this.stopped && key !== this.lastEmitted) {
        this.lastEmitted = key;
        update(groups);
      }
      if (!this.stopped) this.timer = setTimeout(tick, this.config.refreshIntervalMs).unref();
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
