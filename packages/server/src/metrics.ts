/** A few Prometheus series, rendered in the text exposition format (no client library needed). */

const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Metrics {
  connections = 0;
  /** WebSocket frames sent (events, batches, replies, snapshots pages...). */
  framesSent = 0;
  readonly #counters = new Map<string, Map<string, number>>();
  readonly #help = new Map<string, string>();
  readonly #buckets = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  #latencyCount = 0;
  #latencySum = 0;

  constructor() {
    this.#help.set('beckon_invitations_created_total', 'Invitations created.');
    this.#help.set('beckon_invitations_ended_total', 'Invitations ended, by outcome.');
    this.#help.set('beckon_frames_rejected_total', 'Client frames refused, by reason.');
    this.#help.set('beckon_connections_closed_total', 'Sockets closed by the server, by reason.');
    this.#help.set(
      'beckon_calls_ended_by_server_total',
      'Calls the server ended for a party whose device was gone (peer_left: a one-to-one hang-up; group_peer_left: a group call left in their name).',
    );
  }

  inc(name: string, label = '', by = 1): void {
    let series = this.#counters.get(name);
    if (series === undefined) {
      series = new Map();
      this.#counters.set(name, series);
    }
    series.set(label, (series.get(label) ?? 0) + by);
  }

  /** Time from the transition to the frame leaving for a socket, in seconds. */
  observeDelivery(seconds: number): void {
    this.#latencyCount++;
    this.#latencySum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++)
      if (seconds <= (LATENCY_BUCKETS[i] ?? 0)) this.#buckets[i] = (this.#buckets[i] ?? 0) + 1;
  }

  render(): string {
    const lines = [
      '# HELP beckon_connections Authenticated WebSocket connections.',
      '# TYPE beckon_connections gauge',
      `beckon_connections ${this.connections}`,
      '# HELP beckon_frames_sent_total WebSocket frames sent to clients.',
      '# TYPE beckon_frames_sent_total counter',
      `beckon_frames_sent_total ${this.framesSent}`,
    ];
    for (const [name, series] of this.#counters) {
      lines.push(`# HELP ${name} ${this.#help.get(name) ?? name}`, `# TYPE ${name} counter`);
      for (const [label, value] of series) {
        const key =
          name === 'beckon_invitations_created_total' ? '' : name.includes('ended') ? 'outcome' : 'reason';
        lines.push(label && key ? `${name}{${key}="${label}"} ${value}` : `${name} ${value}`);
      }
    }
    lines.push(
      '# HELP beckon_delivery_latency_seconds Time from the arbiter deciding to the event leaving for the socket.',
      '# TYPE beckon_delivery_latency_seconds histogram',
    );
    for (const [i, le] of LATENCY_BUCKETS.entries()) {
      lines.push(`beckon_delivery_latency_seconds_bucket{le="${le}"} ${this.#buckets[i]}`);
    }
    lines.push(
      `beckon_delivery_latency_seconds_bucket{le="+Inf"} ${this.#latencyCount}`,
      `beckon_delivery_latency_seconds_sum ${this.#latencySum}`,
      `beckon_delivery_latency_seconds_count ${this.#latencyCount}`,
    );
    return `${lines.join('\n')}\n`;
  }
}
