import { Alert, Flex, Typography } from 'antd';
import { type ReactNode, useId, useMemo } from 'react';
import { useT } from '../i18n';

/** What a diagram shape stands for, from its BPMN element. */
export type ShapeKind =
  | 'start'
  | 'end'
  | 'approve'
  | 'handle'
  | 'cc'
  | 'task'
  | 'exclusive'
  | 'parallel'
  | 'inclusive'
  | 'subprocess'
  | 'call'
  | 'timer'
  | 'other';

export interface DiagramShape {
  /** The BPMN element id (`bpmnElement`), as `active` and `done` name it. */
  id: string;
  kind: ShapeKind;
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DiagramEdge {
  id: string;
  name: string;
  source?: string;
  target?: string;
  points: { x: number; y: number }[];
}

export interface Diagram {
  shapes: DiagramShape[];
  edges: DiagramEdge[];
  /** The box around everything. */
  minX: number;
  minY: number;
  width: number;
  height: number;
}

const PAD = 16;

function num(el: Element, name: string): number {
  const v = Number.parseFloat(el.getAttribute(name) ?? '');
  return Number.isFinite(v) ? v : 0;
}

/** The first child element with this local name (BPMN files use any prefix). */
function child(el: Element, localName: string): Element | undefined {
  for (const c of Array.from(el.children)) if (c.localName === localName) return c;
  return undefined;
}

function kindOf(el: Element | undefined): ShapeKind {
  if (!el) return 'other';
  switch (el.localName) {
    case 'startEvent':
      return 'start';
    case 'endEvent':
      return 'end';
    case 'userTask': {
      const k =
        el.getAttributeNS('https://xietong.dev/schema/bpmn/1', 'kind') ??
        el.getAttribute('xietong:kind');
      return k === 'handle' ? 'handle' : k === 'cc' ? 'cc' : 'approve';
    }
    case 'task':
    case 'manualTask':
    case 'serviceTask':
    case 'scriptTask':
    case 'sendTask':
    case 'receiveTask':
    case 'businessRuleTask':
      return 'task';
    case 'exclusiveGateway':
      return 'exclusive';
    case 'parallelGateway':
      return 'parallel';
    case 'inclusiveGateway':
    case 'complexGateway':
    case 'eventBasedGateway':
      return 'inclusive';
    case 'subProcess':
      return 'subprocess';
    case 'callActivity':
      return 'call';
    case 'boundaryEvent':
    case 'intermediateCatchEvent':
    case 'intermediateThrowEvent':
      return 'timer';
    default:
      return 'other';
  }
}

/**
 * Pure: the shapes and edges of a BPMN 2.0 document's diagram (BPMNDiagram/BPMNPlane), with each
 * element's kind and name from the process. `null` when the XML does not parse or has no diagram.
 */
export function parseBpmnDiagram(xml: string): Diagram | null {
  if (!xml.trim() || typeof DOMParser === 'undefined') return null;
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) return null;
  const elements = new Map<string, Element>();
  for (const el of Array.from(doc.getElementsByTagName('*'))) {
    const id = el.getAttribute('id');
    const diagramPart = /^BPMN(Shape|Edge|Plane|Diagram|Label|LabelStyle)$/.test(el.localName);
    if (id && !diagramPart && !elements.has(id)) elements.set(id, el);
  }
  const shapes: DiagramShape[] = [];
  const edges: DiagramEdge[] = [];
  for (const el of Array.from(doc.getElementsByTagName('*'))) {
    if (el.localName === 'BPMNShape') {
      const bounds = child(el, 'Bounds');
      const id = el.getAttribute('bpmnElement');
      if (!bounds || !id) continue;
      const semantic = elements.get(id);
      shapes.push({
        id,
        kind: kindOf(semantic),
        name: semantic?.getAttribute('name') ?? '',
        x: num(bounds, 'x'),
        y: num(bounds, 'y'),
        width: num(bounds, 'width'),
        height: num(bounds, 'height'),
      });
    } else if (el.localName === 'BPMNEdge') {
      const id = el.getAttribute('bpmnElement') ?? '';
      const points = Array.from(el.children)
        .filter((c) => c.localName === 'waypoint')
        .map((w) => ({ x: num(w, 'x'), y: num(w, 'y') }));
      if (points.length < 2) continue;
      const semantic = elements.get(id);
      edges.push({
        id,
        name: semantic?.getAttribute('name') ?? '',
        source: semantic?.getAttribute('sourceRef') ?? undefined,
        target: semantic?.getAttribute('targetRef') ?? undefined,
        points,
      });
    }
  }
  if (shapes.length === 0) return null;
  // Sub-processes first, so the shapes inside them are drawn on top.
  shapes.sort((a, b) => Number(b.kind === 'subprocess') - Number(a.kind === 'subprocess'));
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  const take = (x: number, y: number) => {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  };
  for (const s of shapes) {
    take(s.x, s.y);
    take(s.x + s.width, s.y + s.height + (isRound(s.kind) ? 18 : 0));
  }
  for (const e of edges) for (const p of e.points) take(p.x, p.y);
  return {
    shapes,
    edges,
    minX: minX - PAD,
    minY: minY - PAD,
    width: maxX - minX + PAD * 2,
    height: maxY - minY + PAD * 2,
  };
}

/** Events and gateways carry their name under the shape; tasks inside it. */
const isRound = (k: ShapeKind) =>
  k === 'start' ||
  k === 'end' ||
  k === 'timer' ||
  k === 'exclusive' ||
  k === 'parallel' ||
  k === 'inclusive';

/** Splits a name into lines of at most `width` px (CJK about 12 px, Latin about 7 at 12 px). */
export function wrapText(text: string, width: number, maxLines = 3): string[] {
  const lines: string[] = [];
  let line = '';
  let w = 0;
  for (const ch of text) {
    const cw = ch.charCodeAt(0) > 0x2e80 ? 12 : 7;
    if (w + cw > width && line) {
      lines.push(line);
      line = '';
      w = 0;
    }
    line += ch;
    w += cw;
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1]?.slice(0, -1) ?? ''}…`;
    return kept;
  }
  return lines;
}

export type ElementState = 'active' | 'done' | 'idle';

const COLORS: Record<ElementState, { stroke: string; fill: string; text: string }> = {
  active: { stroke: '#1677ff', fill: '#e6f4ff', text: '#0958d9' },
  done: { stroke: '#52c41a', fill: '#f6ffed', text: '#389e0d' },
  idle: { stroke: '#8c8c8c', fill: '#ffffff', text: '#262626' },
};

const TASK_ACCENT: Partial<Record<ShapeKind, string>> = {
  approve: '#ff943e',
  handle: '#9254de',
  cc: '#3296fa',
};

function Shape({
  s,
  state,
  fallback,
}: {
  s: DiagramShape;
  state: ElementState;
  /** The label of a task without a name. */
  fallback?: string;
}) {
  const c = COLORS[state];
  const strokeWidth = state === 'idle' ? 1.5 : 2.5;
  const cx = s.x + s.width / 2;
  const cy = s.y + s.height / 2;
  const r = Math.min(s.width, s.height) / 2;
  let body: ReactNode;
  let marker: ReactNode = null;
  switch (s.kind) {
    case 'start':
    case 'end':
    case 'timer':
      body = (
        <circle
          cx={cx}
          cy={cy}
          r={r}
          fill={c.fill}
          stroke={c.stroke}
          strokeWidth={s.kind === 'end' ? strokeWidth + 2 : strokeWidth}
        />
      );
      if (s.kind === 'timer')
        marker = (
          <path
            d={`M${cx} ${cy - r * 0.55} L${cx} ${cy} L${cx + r * 0.4} ${cy}`}
            stroke={c.stroke}
            strokeWidth={1.5}
            fill="none"
          />
        );
      break;
    case 'exclusive':
    case 'parallel':
    case 'inclusive': {
      const d = `M${cx} ${s.y} L${s.x + s.width} ${cy} L${cx} ${s.y + s.height} L${s.x} ${cy} Z`;
      body = <path d={d} fill={c.fill} stroke={c.stroke} strokeWidth={strokeWidth} />;
      const m = r * 0.4;
      if (s.kind === 'exclusive')
        marker = (
          <path
            d={`M${cx - m} ${cy - m} L${cx + m} ${cy + m} M${cx + m} ${cy - m} L${cx - m} ${cy + m}`}
            stroke={c.stroke}
            strokeWidth={2.5}
          />
        );
      else if (s.kind === 'parallel')
        marker = (
          <path
            d={`M${cx} ${cy - m * 1.2} L${cx} ${cy + m * 1.2} M${cx - m * 1.2} ${cy} L${cx + m * 1.2} ${cy}`}
            stroke={c.stroke}
            strokeWidth={2.5}
          />
        );
      else
        marker = <circle cx={cx} cy={cy} r={m} fill="none" stroke={c.stroke} strokeWidth={2.5} />;
      break;
    }
    default: {
      const accent = TASK_ACCENT[s.kind];
      body = (
        <>
          <rect
            x={s.x}
            y={s.y}
            width={s.width}
            height={s.height}
            rx={8}
            fill={s.kind === 'subprocess' ? 'none' : c.fill}
            stroke={c.stroke}
            strokeWidth={s.kind === 'call' ? strokeWidth + 2 : strokeWidth}
            strokeDasharray={s.kind === 'subprocess' ? '6 3' : undefined}
          />
          {accent ? (
            <rect
              x={s.x + 1}
              y={s.y + 1}
              width={5}
              height={Math.max(0, s.height - 2)}
              rx={2}
              fill={accent}
            />
          ) : null}
        </>
      );
    }
  }
  const inside = !isRound(s.kind) && s.kind !== 'subprocess';
  const label = s.name || fallback || '';
  const lines = wrapText(label, inside ? Math.max(24, s.width - 16) : 120, inside ? 3 : 2);
  const lineHeight = 15;
  const textY = inside
    ? cy - ((lines.length - 1) * lineHeight) / 2
    : s.kind === 'subprocess'
      ? s.y + 16
      : s.y + s.height + 14;
  return (
    <g data-element-id={s.id} data-kind={s.kind} data-state={state}>
      <title>{label || s.id}</title>
      {body}
      {marker}
      {lines.length > 0 ? (
        <text
          x={cx}
          y={textY}
          textAnchor="middle"
          dominantBaseline="middle"
          fontSize={12}
          fill={c.text}
        >
          {lines.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines of one label
            <tspan key={i} x={cx} dy={i === 0 ? 0 : lineHeight}>
              {l}
            </tspan>
          ))}
        </text>
      ) : null}
    </g>
  );
}

/** The state of a sequence flow: named itself, or leading from a done element onwards. */
function edgeState(e: DiagramEdge, active: Set<string>, done: Set<string>): ElementState {
  if (active.has(e.id)) return 'active';
  if (done.has(e.id)) return 'done';
  if (e.source && e.target && done.has(e.source) && (done.has(e.target) || active.has(e.target)))
    return 'done';
  return 'idle';
}

/**
 * A read-only drawing of a BPMN 2.0 document from its own diagram (shapes and edges), with the
 * `active` elements in blue and the `done` ones in green. Scrolls when larger than its box.
 */
export function FlowDiagram({
  bpmn,
  active = [],
  done = [],
}: {
  bpmn: string;
  active?: string[];
  done?: string[];
}) {
  const t = useT();
  const diagram = useMemo(() => parseBpmnDiagram(bpmn), [bpmn]);
  const uid = useId().replace(/[^A-Za-z0-9_-]/g, '');
  const activeSet = useMemo(() => new Set(active), [active]);
  const doneSet = useMemo(() => new Set(done), [done]);
  if (!diagram) return <Alert type="info" showIcon title={t('diagram.none')} />;
  const stateOf = (id: string): ElementState =>
    activeSet.has(id) ? 'active' : doneSet.has(id) ? 'done' : 'idle';
  const marker = (s: ElementState) => `flow-arrow-${uid}-${s}`;
  return (
    <div data-testid="flow-diagram">
      <div
        style={{
          overflow: 'auto',
          maxWidth: '100%',
          maxHeight: '70vh',
          border: '1px solid #f0f0f0',
          borderRadius: 8,
          background: '#fafafa',
          WebkitOverflowScrolling: 'touch',
        }}
      >
        <svg
          role="img"
          aria-label={t('diagram.label')}
          width={diagram.width}
          height={diagram.height}
          viewBox={`${diagram.minX} ${diagram.minY} ${diagram.width} ${diagram.height}`}
          style={{ display: 'block' }}
        >
          <defs>
            {(['idle', 'active', 'done'] as const).map((s) => (
              <marker
                key={s}
                id={marker(s)}
                viewBox="0 0 10 10"
                refX={9}
                refY={5}
                markerWidth={7}
                markerHeight={7}
                orient="auto-start-reverse"
              >
                <path d="M0 0 L10 5 L0 10 Z" fill={COLORS[s].stroke} />
              </marker>
            ))}
          </defs>
          {diagram.shapes
            .filter((s) => s.kind === 'subprocess')
            .map((s) => (
              <Shape key={s.id} s={s} state={stateOf(s.id)} />
            ))}
          {diagram.edges.map((e, i) => {
            const state = edgeState(e, activeSet, doneSet);
            const mid = e.points[Math.floor((e.points.length - 1) / 2)];
            const next = e.points[Math.floor((e.points.length - 1) / 2) + 1];
            return (
              <g
                // biome-ignore lint/suspicious/noArrayIndexKey: edges may lack ids
                key={`${e.id}-${i}`}
                data-element-id={e.id}
                data-state={state}
              >
                <polyline
                  points={e.points.map((p) => `${p.x},${p.y}`).join(' ')}
                  fill="none"
                  stroke={COLORS[state].stroke}
                  strokeWidth={state === 'idle' ? 1.5 : 2.5}
                  markerEnd={`url(#${marker(state)})`}
                />
                {e.name && mid && next ? (
                  <text
                    x={(mid.x + next.x) / 2}
                    y={(mid.y + next.y) / 2 - 6}
                    textAnchor="middle"
                    fontSize={11}
                    fill="#595959"
                  >
                    {e.name}
                  </text>
                ) : null}
              </g>
            );
          })}
          {diagram.shapes
            .filter((s) => s.kind !== 'subprocess')
            .map((s) => (
              <Shape
                key={s.id}
                s={s}
                state={stateOf(s.id)}
                fallback={
                  s.kind === 'approve' || s.kind === 'handle' || s.kind === 'cc'
                    ? t(`diagram.kind.${s.kind}`)
                    : undefined
                }
              />
            ))}
        </svg>
      </div>
      {active.length > 0 || done.length > 0 ? (
        <Flex gap={16} style={{ marginTop: 8 }} wrap>
          <Typography.Text style={{ color: COLORS.active.stroke }}>
            ● {t('diagram.active')}
          </Typography.Text>
          <Typography.Text style={{ color: COLORS.done.stroke }}>
            ● {t('diagram.done')}
          </Typography.Text>
        </Flex>
      ) : null}
    </div>
  );
}

export default FlowDiagram;
