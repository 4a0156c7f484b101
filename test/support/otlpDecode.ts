// Decodes what an OTLP/HTTP exporter sends — ExportTraceServiceRequest and
// ExportMetricsServiceRequest, in protobuf (application/x-protobuf) or in the OTLP JSON encoding —
// into plain objects the tests can assert on. The protobuf side is a small wire-format reader with
// the field numbers of opentelemetry-proto (trace/v1, metrics/v1, common/v1, resource/v1): the
// receiver decodes the real bytes, it never trusts the sender's own view of them. Not product code.

export type AttrMap = Record<string, unknown>;

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startMs: number;
  endMs: number;
  attributes: AttrMap;
  events: Array<{ name: string; attributes: AttrMap }>;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  resource: AttrMap;
  scope: string;
}

export interface OtlpPoint {
  metric: string;
  unit: string;
  type: 'sum' | 'histogram' | 'gauge';
  attributes: AttrMap;
  /** Sum or gauge value; a histogram's sum. */
  value: number;
  /** Histograms: how many measurements; sums and gauges: 1. */
  count: number;
  bounds: number[];
  resource: AttrMap;
}

// ---------------------------------------------------------------- protobuf wire format

type Field = { no: number; wire: number; varint?: bigint; bytes?: Buffer; fixed?: Buffer };

function* fields(buf: Buffer): Generator<Field> {
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const tag = Number(varint());
    const no = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) yield { no, wire, varint: varint() };
    else if (wire === 1) yield { no, wire, fixed: buf.subarray(pos, (pos += 8)) };
    else if (wire === 5) yield { no, wire, fixed: buf.subarray(pos, (pos += 4)) };
    else if (wire === 2) {
      const len = Number(varint());
      yield { no, wire, bytes: buf.subarray(pos, (pos += len)) };
    } else throw new Error(`otlpDecode: unsupported wire type ${wire} at byte ${pos}`);
  }
}

const str = (f: Field) => f.bytes!.toString('utf8');
const nanosToMs = (b: Buffer) => Number(b.readBigUInt64LE(0) / 1000n) / 1000;

function pbAnyValue(buf: Buffer): unknown {
  for (const f of fields(buf)) {
    if (f.no === 1) return str(f);
    if (f.no === 2) return f.varint !== 0n;
    if (f.no === 3) return Number(BigInt.asIntN(64, f.varint!));
    if (f.no === 4) return f.fixed!.readDoubleLE(0);
    if (f.no === 5) return [...fields(f.bytes!)].filter((v) => v.no === 1).map((v) => pbAnyValue(v.bytes!));
    if (f.no === 6) return pbAttributes(f.bytes!, 1);
    if (f.no === 7) return f.bytes!;
  }
  return undefined;
}

/** Repeated KeyValue at `fieldNo` of a message. */
function pbAttributes(buf: Buffer, fieldNo: number): AttrMap {
  const out: AttrMap = {};
  for (const f of fields(buf)) {
    if (f.no !== fieldNo || !f.bytes) continue;
    let key = '';
    let value: unknown;
    for (const kv of fields(f.bytes)) {
      if (kv.no === 1) key = str(kv);
      if (kv.no === 2) value = pbAnyValue(kv.bytes!);
    }
    out[key] = value;
  }
  return out;
}

function pbSpan(buf: Buffer, resource: AttrMap, scope: string): OtlpSpan {
  const s: OtlpSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startMs: 0,
    endMs: 0,
    attributes: pbAttributes(buf, 9),
    events: [],
    status: { code: 0, message: '' },
    resource,
    scope,
  };
  for (const f of fields(buf)) {
    if (f.no === 1) s.traceId = f.bytes!.toString('hex');
    else if (f.no === 2) s.spanId = f.bytes!.toString('hex');
    else if (f.no === 4) s.parentSpanId = f.bytes!.toString('hex');
    else if (f.no === 5) s.name = str(f);
    else if (f.no === 6) s.kind = Number(f.varint);
    else if (f.no === 7) s.startMs = nanosToMs(f.fixed!);
    else if (f.no === 8) s.endMs = nanosToMs(f.fixed!);
    else if (f.no === 11) {
      const name = [...fields(f.bytes!)].find((e) => e.no === 2);
      s.events.push({ name: name ? str(name) : '', attributes: pbAttributes(f.bytes!, 3) });
    } else if (f.no === 15)
      for (const st of fields(f.bytes!)) {
        if (st.no === 2) s.status.message = str(st);
        if (st.no === 3) s.status.code = Number(st.varint);
      }
  }
  return s;
}

/** resource (1) + repeated scope-level message (2), as ResourceSpans and ResourceMetrics both are. */
function pbResourceGroups(buf: Buffer, each: (scopeGroup: Buffer, resource: AttrMap) => void): void {
  for (const top of fields(buf)) {
    if (top.no !== 1) continue;
    let resource: AttrMap = {};
    const groups: Buffer[] = [];
    for (const f of fields(top.bytes!)) {
      if (f.no === 1) resource = pbAttributes(f.bytes!, 1);
      if (f.no === 2) groups.push(f.bytes!);
    }
    for (const g of groups) each(g, resource);
  }
}

function scopeName(buf: Buffer): string {
  const name = [...fields(buf)].find((f) => f.no === 1);
  return name ? str(name) : '';
}

export function decodeTracesProtobuf(body: Buffer): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  pbResourceGroups(body, (scopeSpans, resource) => {
    let scope = '';
    for (const f of fields(scopeSpans)) if (f.no === 1) scope = scopeName(f.bytes!);
    for (const f of fields(scopeSpans)) if (f.no === 2) spans.push(pbSpan(f.bytes!, resource, scope));
  });
  return spans;
}

function pbPoints(metric: string, unit: string, type: OtlpPoint['type'], data: Buffer, resource: AttrMap): OtlpPoint[] {
  const points: OtlpPoint[] = [];
  for (const p of fields(data)) {
    if (p.no !== 1) continue;
    const point: OtlpPoint = { metric, unit, type, attributes: {}, value: 0, count: 1, bounds: [], resource };
    if (type === 'histogram') {
      point.attributes = pbAttributes(p.bytes!, 9);
      for (const f of fields(p.bytes!)) {
        if (f.no === 4) point.count = Number(f.fixed!.readBigUInt64LE(0));
        if (f.no === 5) point.value = f.fixed!.readDoubleLE(0);
        if (f.no === 7) for (let i = 0; i < f.bytes!.length; i += 8) point.bounds.push(f.bytes!.readDoubleLE(i));
      }
    } else {
      point.attributes = pbAttributes(p.bytes!, 7);
      for (const f of fields(p.bytes!)) {
        if (f.no === 4) point.value = f.fixed!.readDoubleLE(0);
        if (f.no === 6) point.value = Number(f.fixed!.readBigInt64LE(0));
      }
    }
    points.push(point);
  }
  return points;
}

export function decodeMetricsProtobuf(body: Buffer): OtlpPoint[] {
  const points: OtlpPoint[] = [];
  pbResourceGroups(body, (scopeMetrics, resource) => {
    for (const m of fields(scopeMetrics)) {
      if (m.no !== 2) continue;
      let name = '';
      let unit = '';
      for (const f of fields(m.bytes!)) {
        if (f.no === 1) name = str(f);
        else if (f.no === 3) unit = str(f);
        else if (f.no === 5) points.push(...pbPoints(name, unit, 'gauge', f.bytes!, resource));
        else if (f.no === 7) points.push(...pbPoints(name, unit, 'sum', f.bytes!, resource));
        else if (f.no === 9) points.push(...pbPoints(name, unit, 'histogram', f.bytes!, resource));
      }
    }
  });
  return points;
}

// ---------------------------------------------------------------- OTLP JSON encoding

/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON, read field by field */
function jsonAnyValue(v: any): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(jsonAnyValue);
  if ('kvlistValue' in v) return jsonAttributes(v.kvlistValue.values);
  if ('bytesValue' in v) return v.bytesValue;
  return undefined;
}

function jsonAttributes(list: any[] | undefined): AttrMap {
  return Object.fromEntries((list ?? []).map((kv: any) => [kv.key, jsonAnyValue(kv.value)]));
}

const jsonMs = (nanos: string | number) => Number(BigInt(nanos) / 1000n) / 1000;

export function decodeTracesJson(body: Buffer): OtlpSpan[] {
  const req = JSON.parse(body.toString('utf8'));
  return (req.resourceSpans ?? []).flatMap((rs: any) => {
    const resource = jsonAttributes(rs.resource?.attributes);
    return (rs.scopeSpans ?? []).flatMap((ss: any) =>
      (ss.spans ?? []).map((s: any): OtlpSpan => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? '',
        name: s.name,
        kind: s.kind ?? 0,
        startMs: jsonMs(s.startTimeUnixNano),
        endMs: jsonMs(s.endTimeUnixNano),
        attributes: jsonAttributes(s.attributes),
        events: (s.events ?? []).map((e: any) => ({ name: e.name, attributes: jsonAttributes(e.attributes) })),
        status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
        resource,
        scope: ss.scope?.name ?? '',
      })),
    );
  });
}

export function decodeMetricsJson(body: Buffer): OtlpPoint[] {
  const req = JSON.parse(body.toString('utf8'));
  const points: OtlpPoint[] = [];
  for (const rm of req.resourceMetrics ?? []) {
    const resource = jsonAttributes(rm.resource?.attributes);
    for (const sm of rm.scopeMetrics ?? [])
      for (const m of sm.metrics ?? []) {
        const type: OtlpPoint['type'] = m.histogram ? 'histogram' : m.sum ? 'sum' : 'gauge';
        for (const p of (m.histogram ?? m.sum ?? m.gauge)?.dataPoints ?? [])
          points.push({
            metric: m.name,
            unit: m.unit ?? '',
            type,
            attributes: jsonAttributes(p.attributes),
            value: type === 'histogram' ? Number(p.sum ?? 0) : Number(p.asDouble ?? p.asInt ?? 0),
            count: type === 'histogram' ? Number(p.count) : 1,
            bounds: (p.explicitBounds ?? []).map(Number),
            resource,
          });
      }
  }
  return points;
}
