import {
  addEdge,
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  MarkerType,
  type NodeChange,
  ReactFlow,
  useEdgesState,
  useNodesState,
  useReactFlow,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Card, Input, Select, Space, Switch, Tag, Typography } from 'antd';
import { type DragEvent, useCallback, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import {
  douyinAccountsListAccountsOptions,
  journeysCreateJourneyMutation,
  journeysGetJourneyQueryKey,
  journeysJourneyStatsOptions,
  journeysListJourneysQueryKey,
  journeysListVersionsQueryKey,
  journeysPublishJourneyMutation,
  journeysUpdateJourneyMutation,
} from '../../../client/@tanstack/react-query.gen';
import type { FieldError, JourneyView, NodeStatsView } from '../../../client/types.gen';
import { useUnsavedPrompt } from '../../../components/useUnsavedPrompt';
import { isApiError } from '../../../lib/api';
import { zhCN } from '../../../locales/zh-CN';
import {
  connectionProblem,
  type Design,
  defaultFields,
  type Fields,
  fromJourneyGraph,
  graphProblems,
  graphSettings,
  type Handle,
  KINDS,
  layoutOf,
  type NodeKind,
  nextId,
  type Problem,
  positionsOf,
  type Settings,
  type SettingsField,
  serverProblems,
  settingsOf,
  settingsProblems,
  toJourneyGraph,
} from '../graph';
import { type JourneyFlowNode, nodeTypes } from './JourneyNode';
import { NodePanel } from './NodePanel';
import { SettingsDrawer } from './SettingsDrawer';
import { SimulateDrawer } from './SimulateDrawer';

const t = zhCN.journeys;
const DRAG_TYPE = 'application/x-douflow-journey-node';

function edgeOf(source: string, sourceHandle: Handle, target: string): Edge {
  return {
    id: `${source}:${sourceHandle}`,
    source,
    sourceHandle,
    target,
    targetHandle: 'in',
    label: sourceHandle === 'next' ? undefined : t.handles[sourceHandle],
    markerEnd: { type: MarkerType.ArrowClosed },
  };
}

function toFlow(journey: JourneyView): { nodes: JourneyFlowNode[]; edges: Edge[]; settings: Settings } {
  const design = fromJourneyGraph(journey.draft);
  const at = positionsOf(design, journey.layout);
  return {
    nodes: design.nodes.map((n) => ({
      id: n.id,
      type: n.kind,
      position: at.get(n.id) ?? { x: 0, y: 0 },
      data: { fields: n.fields, problems: [] },
    })),
    edges: design.edges.map((e) => edgeOf(e.source, e.sourceHandle, e.target)),
    settings: settingsOf(design.settings),
  };
}

function designOf(nodes: JourneyFlowNode[], edges: Edge[]): Design {
  return {
    nodes: nodes.map((n) => ({ id: n.id, kind: n.type as NodeKind, fields: n.data.fields })),
    edges: edges.map((e) => ({
      source: e.source,
      sourceHandle: (e.sourceHandle ?? 'next') as Handle,
      target: e.target,
    })),
  };
}

function fieldErrors(error: unknown): FieldError[] | null {
  if (!isApiError(error, 422)) return null;
  const body = error.body as { errors?: FieldError[] } | undefined;
  return body?.errors ?? [];
}

interface Props {
  journey: JourneyView | null;
  canEdit: boolean;
}

/**
 * The journey designer: a palette dragged onto the canvas, named handles (yes / no) connected under the graph
 * rules, the selected node's fields in a side panel, the journey's settings (goal, re-entry, quiet hours) in a
 * drawer, problems (ours and the server's 422) on their nodes and fields, save (with where each node was put)
 * and publish, the simulated path and per-node statistics drawn on the graph.
 */
export function Designer({ journey, canEdit }: Props) {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const flow = useReactFlow();
  const initial = useMemo(() => (journey ? toFlow(journey) : null), [journey]);
  const [nodes, setNodes, onNodesChange] = useNodesState<JourneyFlowNode>(initial?.nodes ?? []);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>(initial?.edges ?? []);
  const [settings, setSettings] = useState<Settings>(initial?.settings ?? settingsOf({}));
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [settingsFromServer, setSettingsFromServer] = useState<Partial<Record<SettingsField, string>>>({});
  const [name, setName] = useState(journey?.name ?? '');
  const [accountId, setAccountId] = useState<string | null>(journey?.account_id ?? null);
  const [dirty, setDirty] = useState(false);
  // Edits counted, so a save clears `dirty` only when nothing changed while it was on its way.
  const edits = useRef(0);
  const savingAt = useRef(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [fromServer, setFromServer] = useState<Problem[]>([]);
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const [showStats, setShowStats] = useState(false);
  const [path, setPath] = useState<string[]>([]);
  const [simulating, setSimulating] = useState(false);
  const { release } = useUnsavedPrompt(dirty, t.leave);
  const readOnly = !canEdit;
  const canvasRef = useRef<HTMLDivElement>(null);

  const design = useMemo(() => designOf(nodes, edges), [nodes, edges]);
  const problems = useMemo(() => graphProblems(design), [design]);
  const settingsWrong =
    Object.keys(settingsProblems(settings)).length + Object.keys(settingsFromServer).length > 0;
  const accounts = useQuery(douyinAccountsListAccountsOptions());
  const stats = useQuery({
    ...journeysJourneyStatsOptions({ path: { journey_id: journey?.id ?? '' } }),
    enabled: showStats && journey !== null,
  });
  const statsByNode = useMemo(
    () => new Map<string, NodeStatsView>((stats.data?.nodes ?? []).map((s) => [s.node_id, s])),
    [stats.data],
  );

  const shown: JourneyFlowNode[] = useMemo(() => {
    const byNode = new Map<string, string[]>();
    for (const p of [...fromServer, ...problems])
      byNode.set(p.nodeId, [...(byNode.get(p.nodeId) ?? []), p.message]);
    const onPath = new Set(path);
    return nodes.map((n) => ({
      ...n,
      data: {
        ...n.data,
        problems: byNode.get(n.id) ?? [],
        stats: showStats ? statsByNode.get(n.id) : undefined,
        onPath: onPath.has(n.id),
      },
    }));
  }, [nodes, problems, fromServer, path, showStats, statsByNode]);

  const shownEdges = useMemo(() => {
    if (path.length < 2) return edges;
    const steps = new Set(path.slice(1).map((id, i) => `${path[i]}>${id}`));
    return edges.map((e) =>
      steps.has(`${e.source}>${e.target}`)
        ? { ...e, animated: true, style: { stroke: '#fa541c', strokeWidth: 2 } }
        : e,
    );
  }, [edges, path]);

  const markDirty = useCallback(() => {
    edits.current += 1;
    setDirty(true);
  }, []);
  const edit = useCallback(() => {
    markDirty();
    setPath((current) => (current.length ? [] : current));
  }, [markDirty]);

  const handleNodesChange = useCallback(
    (changes: NodeChange<JourneyFlowNode>[]) => {
      const allowed = readOnly
        ? changes.filter((c) => c.type === 'select' || c.type === 'dimensions')
        : changes;
      // A node moved is an edit too: its position is saved with the draft.
      if (allowed.some((c) => c.type === 'remove' || c.type === 'position')) edit();
      for (const c of allowed) if (c.type === 'select' && c.selected) setSelected(c.id);
      onNodesChange(allowed);
    },
    [onNodesChange, readOnly, edit],
  );
  const handleEdgesChange = useCallback(
    (changes: EdgeChange<Edge>[]) => {
      const allowed = readOnly ? changes.filter((c) => c.type === 'select') : changes;
      if (allowed.some((c) => c.type === 'remove')) edit();
      onEdgesChange(allowed);
    },
    [onEdgesChange, readOnly, edit],
  );

  const isValidConnection = useCallback(
    (c: Connection | Edge) =>
      !readOnly &&
      connectionProblem(designOf(flow.getNodes() as JourneyFlowNode[], flow.getEdges()), {
        source: c.source,
        sourceHandle: (c.sourceHandle ?? 'next') as Handle,
        target: c.target,
      }) === null,
    [flow, readOnly],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      edit();
      setEdges((current) =>
        addEdge(edgeOf(c.source, (c.sourceHandle ?? 'next') as Handle, c.target), current),
      );
    },
    [setEdges, edit],
  );

  const addNode = (kind: NodeKind, position: { x: number; y: number }) => {
    edit();
    const id = nextId(kind, nodes);
    setSelected(id);
    setNodes((current) => [
      ...current.map((n) => ({ ...n, selected: false })),
      { id, type: kind, position, selected: true, data: { fields: defaultFields(kind), problems: [] } },
    ]);
  };
  // A click on the palette (the keyboard's way) places the node in the middle of what the canvas shows.
  const centre = () => {
    const box = canvasRef.current?.getBoundingClientRect();
    const at = box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : { x: 0, y: 0 };
    return flow.screenToFlowPosition(at);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    const kind = event.dataTransfer.getData(DRAG_TYPE) as NodeKind;
    if (!KINDS.includes(kind) || readOnly) return;
    addNode(kind, flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };

  const changeFields = (id: string, fields: Fields) => {
    edit();
    setFromServer((current) => current.filter((p) => p.nodeId !== id));
    setNodes((current) => current.map((n) => (n.id === id ? { ...n, data: { ...n.data, fields } } : n)));
  };
  const deleteNode = (id: string) => {
    edit();
    setNodes((current) => current.filter((n) => n.id !== id));
    setEdges((current) => current.filter((e) => e.source !== id && e.target !== id));
    setSelected(null);
  };

  const refused = (error: unknown) => {
    const errors = fieldErrors(error);
    if (errors === null) {
      message.error(isApiError(error) ? error.detail : String(error));
      return;
    }
    const found = serverProblems(
      errors,
      design.nodes.map((n) => n.id),
    );
    setFromServer(found.problems);
    setSettingsFromServer(found.settings);
    setOtherErrors(found.other);
    if (Object.keys(found.settings).length > 0) setSettingsOpen(true);
    message.error(t.serverProblems);
  };
  const saved = (view: JourneyView) => {
    if (edits.current === savingAt.current) setDirty(false);
    setFromServer([]);
    setSettingsFromServer({});
    setOtherErrors([]);
    queryClient.setQueryData(journeysGetJourneyQueryKey({ path: { journey_id: view.id } }), view);
    void queryClient.invalidateQueries({ queryKey: journeysListJourneysQueryKey() });
    message.success(t.saved);
  };
  const create = useMutation({
    ...journeysCreateJourneyMutation(),
    onSuccess: (view) => {
      saved(view);
      release();
      navigate(`/journeys/${view.id}`, { replace: true, state: { canvas: 'new' } });
    },
    onError: refused,
  });
  const update = useMutation({ ...journeysUpdateJourneyMutation(), onSuccess: saved, onError: refused });
  const publish = useMutation({
    ...journeysPublishJourneyMutation(),
    onSuccess: (version) => {
      message.success(t.publishedOk(version.version));
      void queryClient.invalidateQueries({
        queryKey: journeysListVersionsQueryKey({ path: { journey_id: version.journey_id } }),
      });
      void queryClient.invalidateQueries({
        queryKey: journeysGetJourneyQueryKey({ path: { journey_id: version.journey_id } }),
      });
      void queryClient.invalidateQueries({ queryKey: journeysListJourneysQueryKey() });
    },
    onError: refused,
  });

  const save = () => {
    const body = {
      name: name.trim(),
      account_id: accountId,
      graph: toJourneyGraph(design, graphSettings(settings)),
      layout: layoutOf(nodes),
    };
    savingAt.current = edits.current;
    if (journey) update.mutate({ path: { journey_id: journey.id }, body });
    else create.mutate({ body });
  };
  const changeSettings = (next: Settings, field: SettingsField) => {
    edit();
    setSettings(next);
    setSettingsFromServer((current) => {
      const { [field]: _, ...rest } = current;
      return rest;
    });
  };
  const cannotSave = problems.length > 0 || settingsWrong || !name.trim();
  const saving = create.isPending || update.isPending;
  const selectedNode = shown.find((n) => n.id === selected) ?? null;

  return (
    <div data-testid="designer">
      <Space wrap style={{ marginBottom: 12 }}>
        <Input
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            markDirty();
          }}
          placeholder={t.namePlaceholder}
          maxLength={100}
          disabled={readOnly}
          style={{ width: 220 }}
          data-testid="journey-name"
        />
        <Select
          allowClear
          value={accountId ?? undefined}
          onChange={(value) => {
            setAccountId(value ?? null);
            markDirty();
          }}
          placeholder={t.accountPlaceholder}
          options={(accounts.data ?? []).map((a) => ({ value: a.id, label: a.nickname }))}
          disabled={readOnly}
          style={{ width: 240 }}
          data-testid="journey-account"
        />
        {canEdit && (
          <>
            <Button
              type="primary"
              onClick={save}
              loading={saving}
              disabled={cannotSave || (!dirty && journey !== null)}
              title={problems.length || settingsWrong ? t.fixFirst : undefined}
              data-testid="save"
            >
              {t.save}
            </Button>
            <Button
              onClick={() => journey && publish.mutate({ path: { journey_id: journey.id } })}
              loading={publish.isPending}
              disabled={!journey || dirty || problems.length > 0 || settingsWrong}
              title={!journey || dirty ? t.saveFirst : undefined}
              data-testid="publish"
            >
              {t.publish}
            </Button>
            <Button onClick={() => setSimulating(true)} disabled={!journey || dirty} data-testid="simulate">
              {t.simulate}
            </Button>
          </>
        )}
        <Badge dot={settingsWrong}>
          <Button onClick={() => setSettingsOpen(true)} data-testid="settings-open">
            {t.settings.open}
          </Button>
        </Badge>
        {journey && (
          <Space>
            <Switch checked={showStats} onChange={setShowStats} data-testid="show-stats" />
            <span>{t.showStats}</span>
            {showStats && stats.data && (
              <Typography.Text type="secondary" data-testid="stats-summary">
                {t.stats.summary(stats.data.enrolled, stats.data.running, stats.data.conversion)}
              </Typography.Text>
            )}
          </Space>
        )}
        {path.length > 0 && <Button onClick={() => setPath([])}>{t.sim.clear}</Button>}
      </Space>
      {otherErrors.length > 0 && (
        <Alert type="error" showIcon message={otherErrors.join('；')} style={{ marginBottom: 12 }} />
      )}
      <div style={{ display: 'flex', gap: 12 }}>
        {canEdit && (
          <Card size="small" title={t.palette} style={{ width: 130 }} data-testid="palette">
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t.paletteHint}
            </Typography.Text>
            {KINDS.map((kind) => (
              <button
                type="button"
                key={kind}
                draggable
                onDragStart={(event) => {
                  event.dataTransfer.setData(DRAG_TYPE, kind);
                  event.dataTransfer.effectAllowed = 'move';
                }}
                onClick={() => addNode(kind, centre())}
                data-testid={`palette-${kind}`}
                style={{
                  display: 'block',
                  width: '100%',
                  background: '#fff',
                  border: '1px dashed #bfbfbf',
                  borderRadius: 6,
                  padding: '4px 8px',
                  marginTop: 8,
                  cursor: 'grab',
                  textAlign: 'left',
                }}
              >
                {t.kinds[kind]}
              </button>
            ))}
          </Card>
        )}
        <div
          style={{ flex: 1, height: 560, border: '1px solid #f0f0f0', borderRadius: 8 }}
          onDragOver={(event) => {
            event.preventDefault();
            event.dataTransfer.dropEffect = 'move';
          }}
          onDrop={onDrop}
          data-testid="canvas"
          role="application"
          ref={canvasRef}
        >
          <ReactFlow<JourneyFlowNode, Edge>
            nodes={shown}
            edges={shownEdges}
            nodeTypes={nodeTypes}
            onNodesChange={handleNodesChange}
            onEdgesChange={handleEdgesChange}
            onConnect={onConnect}
            isValidConnection={isValidConnection}
            onPaneClick={() => setSelected(null)}
            nodesConnectable={!readOnly}
            nodesDraggable={!readOnly}
            deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
            fitView={journey !== null}
            fitViewOptions={{ maxZoom: 1 }}
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
        <Card size="small" style={{ width: 280 }}>
          <NodePanel
            node={
              selectedNode
                ? {
                    id: selectedNode.id,
                    kind: selectedNode.type as NodeKind,
                    fields: selectedNode.data.fields,
                    problems: selectedNode.data.problems,
                  }
                : null
            }
            readOnly={readOnly}
            onChange={changeFields}
            onDelete={deleteNode}
          />
          <div style={{ marginTop: 12 }} data-testid="problems">
            {settingsWrong && (
              <Typography.Text type="danger" style={{ display: 'block' }} data-testid="settings-problems">
                {t.settings.problems}
              </Typography.Text>
            )}
            {problems.length === 0 && fromServer.length === 0 ? (
              <Tag color="success">{t.noProblems}</Tag>
            ) : (
              <Typography.Text type="danger">
                {t.problems}: {problems.length + fromServer.length}
              </Typography.Text>
            )}
          </div>
        </Card>
      </div>
      <SettingsDrawer
        open={settingsOpen}
        settings={settings}
        fromServer={settingsFromServer}
        readOnly={readOnly}
        onChange={changeSettings}
        onClose={() => setSettingsOpen(false)}
      />
      {journey && (
        <SimulateDrawer
          open={simulating}
          journeyId={journey.id}
          onClose={() => setSimulating(false)}
          onPath={(ids) => setPath(ids)}
        />
      )}
    </div>
  );
}
