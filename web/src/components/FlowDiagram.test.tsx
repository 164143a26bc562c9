import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { I18nProvider } from '../i18n';
import { FlowDiagram, parseBpmnDiagram, wrapText } from './FlowDiagram';

/** As the engine exports it: a start, an approval, a gateway with two ways, an end. */
const SAMPLE_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:xietong="https://xietong.dev/schema/bpmn/1" id="defs">
  <bpmn:process id="expense" name="报销" isExecutable="true">
    <bpmn:startEvent id="start" name=""/>
    <bpmn:userTask id="head" name="部门负责人审批" xietong:kind="approve"/>
    <bpmn:exclusiveGateway id="by_amount" name="金额" default="by_amount_b1"/>
    <bpmn:userTask id="cc_hr" name="抄送人事" xietong:kind="cc"/>
    <bpmn:endEvent id="end" name=""/>
    <bpmn:sequenceFlow id="start_to_head" sourceRef="start" targetRef="head"/>
    <bpmn:sequenceFlow id="head_to_by_amount" sourceRef="head" targetRef="by_amount"/>
    <bpmn:sequenceFlow id="by_amount_b0" name="大额" sourceRef="by_amount" targetRef="cc_hr">
      <bpmn:conditionExpression>amount &gt; 10000</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="by_amount_b1" sourceRef="by_amount" targetRef="end"/>
    <bpmn:sequenceFlow id="cc_hr_to_end" sourceRef="cc_hr" targetRef="end"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d">
    <bpmndi:BPMNPlane id="p" bpmnElement="expense">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="40" y="62" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="head_di" bpmnElement="head"><dc:Bounds x="146" y="40" width="120" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="by_amount_di" bpmnElement="by_amount" isMarkerVisible="true"><dc:Bounds x="336" y="55" width="50" height="50"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="cc_hr_di" bpmnElement="cc_hr"><dc:Bounds x="456" y="40" width="120" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="646" y="62" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="e1" bpmnElement="start_to_head"><di:waypoint x="76" y="80"/><di:waypoint x="146" y="80"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="e2" bpmnElement="head_to_by_amount"><di:waypoint x="266" y="80"/><di:waypoint x="336" y="80"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="e3" bpmnElement="by_amount_b0"><di:waypoint x="386" y="80"/><di:waypoint x="456" y="80"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="e4" bpmnElement="by_amount_b1"><di:waypoint x="361" y="105"/><di:waypoint x="361" y="160"/><di:waypoint x="664" y="160"/><di:waypoint x="664" y="98"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="e5" bpmnElement="cc_hr_to_end"><di:waypoint x="576" y="80"/><di:waypoint x="646" y="80"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;

describe('parseBpmnDiagram', () => {
  it('reads shapes with their kinds and names, and edges with their ends', () => {
    const d = parseBpmnDiagram(SAMPLE_BPMN);
    expect(d).not.toBeNull();
    expect(d?.shapes.map((s) => [s.id, s.kind])).toEqual([
      ['start', 'start'],
      ['head', 'approve'],
      ['by_amount', 'exclusive'],
      ['cc_hr', 'cc'],
      ['end', 'end'],
    ]);
    expect(d?.shapes[1]).toMatchObject({ name: '部门负责人审批', x: 146, y: 40, width: 120 });
    const big = d?.edges.find((e) => e.id === 'by_amount_b0');
    expect(big).toMatchObject({ name: '大额', source: 'by_amount', target: 'cc_hr' });
    expect(d?.edges.find((e) => e.id === 'by_amount_b1')?.points).toHaveLength(4);
    // Padded around everything, the labels under round shapes included.
    expect(d?.minX).toBe(24);
    expect(d?.minY).toBe(24);
    expect(d?.width).toBe(682 - 40 + 32);
  });

  it('reads documents with other prefixes and a default namespace', () => {
    const xml = `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
      xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:omgdc="http://www.omg.org/spec/DD/20100524/DC">
      <process id="p"><task id="t" name="Do it"/></process>
      <bpmndi:BPMNDiagram><bpmndi:BPMNPlane bpmnElement="p">
        <bpmndi:BPMNShape bpmnElement="t"><omgdc:Bounds x="0" y="0" width="100" height="80"/></bpmndi:BPMNShape>
      </bpmndi:BPMNPlane></bpmndi:BPMNDiagram></definitions>`;
    expect(parseBpmnDiagram(xml)?.shapes).toEqual([
      { id: 't', kind: 'task', name: 'Do it', x: 0, y: 0, width: 100, height: 80 },
    ]);
  });

  it('gives null for malformed XML and for a process without a diagram', () => {
    expect(parseBpmnDiagram('<bpmn:definitions')).toBeNull();
    expect(parseBpmnDiagram('')).toBeNull();
    expect(
      parseBpmnDiagram(
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"/></definitions>',
      ),
    ).toBeNull();
  });
});

describe('wrapText', () => {
  it('breaks by estimated width and ends a cut label with an ellipsis', () => {
    expect(wrapText('部门负责人审批', 48)).toEqual(['部门负责', '人审批']);
    expect(wrapText('abc', 100)).toEqual(['abc']);
    expect(wrapText('一二三四五六七八九十', 24, 2)).toEqual(['一二', '三…']);
  });
});

describe('FlowDiagram', () => {
  const show = (active?: string[], done?: string[]) =>
    render(
      <I18nProvider>
        <FlowDiagram bpmn={SAMPLE_BPMN} active={active} done={done} />
      </I18nProvider>,
    );
  const state = (id: string) =>
    document.querySelector(`g[data-element-id="${id}"]`)?.getAttribute('data-state');

  it('draws every shape and edge in a scrollable box', () => {
    show();
    const svg = screen.getByRole('img', { name: '流程图' });
    expect(svg.getAttribute('viewBox')).toBe('24 24 674 152');
    expect(svg.parentElement?.style.overflow).toBe('auto');
    expect(svg.querySelectorAll('g[data-kind]')).toHaveLength(5);
    expect(svg.querySelectorAll('polyline')).toHaveLength(5);
    expect(svg.querySelector('g[data-element-id="head"] tspan')?.textContent).toBe(
      '部门负责人审批',
    );
    expect(svg.querySelector('g[data-element-id="head"] title')?.textContent).toBe(
      '部门负责人审批',
    );
    expect(screen.getByText('大额')).toBeTruthy();
    // A task without a name is labelled by its kind.
    expect(svg.querySelector('g[data-element-id="cc_hr"] title')?.textContent).toBe('抄送人事');
    // No legend without states.
    expect(screen.queryByText(/进行中/)).toBeNull();
  });

  it('highlights active elements in blue and done ones in green, with the flows between', () => {
    show(['cc_hr'], ['start', 'head', 'by_amount']);
    expect(state('cc_hr')).toBe('active');
    expect(state('head')).toBe('done');
    expect(state('end')).toBe('idle');
    expect(state('start_to_head')).toBe('done');
    expect(state('by_amount_b0')).toBe('done');
    expect(state('by_amount_b1')).toBe('idle');
    const rect = document.querySelector('g[data-element-id="cc_hr"] rect');
    expect(rect?.getAttribute('stroke')).toBe('#1677ff');
    const done = document.querySelector('g[data-element-id="head"] rect');
    expect(done?.getAttribute('stroke')).toBe('#52c41a');
    expect(screen.getByText(/进行中/)).toBeTruthy();
    expect(screen.getByText(/已完成/)).toBeTruthy();
  });

  it('labels unnamed tasks by their kind', () => {
    render(
      <I18nProvider>
        <FlowDiagram bpmn={SAMPLE_BPMN.replace('name="部门负责人审批" ', '')} />
      </I18nProvider>,
    );
    expect(document.querySelector('g[data-element-id="head"] tspan')?.textContent).toBe('审批');
  });

  it('says so when there is nothing to draw', () => {
    render(
      <I18nProvider>
        <FlowDiagram bpmn="<oops" />
      </I18nProvider>,
    );
    expect(screen.getByText('没有可显示的流程图')).toBeTruthy();
  });
});
