import { Tag, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { type DragEvent, useState } from 'react';
import type { EntryView, Occurrence } from '../../client/types.gen';
import { zhCN } from '../../locales/zh-CN';
import { canMove, DAY_KEY, stateColor, stateLabel, type ViewMode } from './grid';

export interface Names {
  content: (id: string) => string;
  account: (id: string) => string;
}

interface Props {
  mode: ViewMode;
  days: Dayjs[];
  anchor: Dayjs;
  occurrencesByDay: Map<string, Occurrence[]>;
  entries: Map<string, EntryView>;
  names: Names;
  canPlan: boolean;
  onOpen: (entryId: string) => void;
  onMove: (occurrence: Occurrence, day: Dayjs, hour?: number) => void;
}

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
const CELL_BORDER = '1px solid #f0f0f0';

/** One slot: its time, state and content; its reason (a skip, a failure) on hover. */
function Chip({
  occurrence,
  names,
  draggable,
  onOpen,
  onDragStart,
  onDragEnd,
}: {
  occurrence: Occurrence;
  names: Names;
  draggable: boolean;
  onOpen: () => void;
  onDragStart: (event: DragEvent) => void;
  onDragEnd: () => void;
}) {
  const time = dayjs(occurrence.scheduled_for).format('HH:mm');
  const title = (
    <div>
      <div>{names.content(occurrence.content_id)}</div>
      <div>{names.account(occurrence.account_id)}</div>
      <div>
        {stateLabel(occurrence.state)}
        {occurrence.reason ? `：${occurrence.reason}` : ''}
      </div>
    </div>
  );
  return (
    <Tooltip title={title}>
      <Tag
        color={stateColor(occurrence.state)}
        draggable={draggable}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onClick={(event) => {
          event.stopPropagation();
          onOpen();
        }}
        style={{
          display: 'block',
          marginBottom: 2,
          marginInlineEnd: 0,
          cursor: draggable ? 'grab' : 'pointer',
          overflow: 'hidden',
          textOverflow: 'ellipsis',
          whiteSpace: 'nowrap',
        }}
        data-testid="occurrence"
        data-entry={occurrence.entry_id}
        data-state={occurrence.state}
      >
        {time} {names.content(occurrence.content_id)}
      </Tag>
    </Tooltip>
  );
}

/**
 * The month grid (a box per day) or the week grid (a row per hour, a column per day). A planned slot of a
 * one-off entry drags to another day, or in the week view to another hour; the page asks the BFF to move it.
 */
export function CalendarGrid(props: Props) {
  const { mode, days, anchor, occurrencesByDay, entries, names, canPlan, onOpen, onMove } = props;
  const [dragged, setDragged] = useState<Occurrence | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const today = dayjs().format(DAY_KEY);

  const chip = (occurrence: Occurrence, index: number) => {
    const draggable = canPlan && canMove(occurrence, entries.get(occurrence.entry_id));
    return (
      <Chip
        key={`${occurrence.entry_id}-${occurrence.scheduled_for}-${index}`}
        occurrence={occurrence}
        names={names}
        draggable={draggable}
        onOpen={() => onOpen(occurrence.entry_id)}
        onDragStart={(event) => {
          event.dataTransfer.setData('text/plain', occurrence.entry_id);
          event.dataTransfer.effectAllowed = 'move';
          setDragged(occurrence);
        }}
        onDragEnd={() => setDragged(null)}
      />
    );
  };

  const dropTarget = (key: string, day: Dayjs, hour?: number) => ({
    onDragOver: (event: DragEvent) => {
      if (!dragged) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
      setOver(key);
    },
    onDragLeave: () => setOver((current) => (current === key ? null : current)),
    onDrop: (event: DragEvent) => {
      event.preventDefault();
      setOver(null);
      if (dragged) onMove(dragged, day, hour);
      setDragged(null);
    },
    'data-testid': 'drop-cell',
    'data-day': day.format(DAY_KEY),
    ...(hour === undefined ? {} : { 'data-hour': hour }),
  });

  const header = (
    <div style={{ display: 'grid', gridTemplateColumns: `${mode === 'week' ? '56px ' : ''}repeat(7, 1fr)` }}>
      {mode === 'week' && <div />}
      {(mode === 'week' ? days : days.slice(0, 7)).map((day) => (
        <div key={day.format(DAY_KEY)} style={{ padding: '4px 8px', fontWeight: 500, textAlign: 'center' }}>
          {zhWeekday(day)}
          {mode === 'week' && ` ${day.format('MM-DD')}`}
        </div>
      ))}
    </div>
  );

  if (mode === 'month') {
    return (
      <div data-testid="month-grid">
        {header}
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(7, 1fr)', borderTop: CELL_BORDER }}>
          {days.map((day) => {
            const key = day.format(DAY_KEY);
            const inMonth = day.month() === anchor.month();
            return (
              <div
                key={key}
                {...dropTarget(key, day)}
                style={{
                  minHeight: 104,
                  padding: 4,
                  borderRight: CELL_BORDER,
                  borderBottom: CELL_BORDER,
                  background: over === key ? '#e6f4ff' : inMonth ? undefined : '#fafafa',
                }}
              >
                <Typography.Text
                  type={inMonth ? undefined : 'secondary'}
                  strong={key === today}
                  style={{
                    display: 'block',
                    textAlign: 'right',
                    color: key === today ? '#1677ff' : undefined,
                  }}
                >
                  {day.date()}
                </Typography.Text>
                {(occurrencesByDay.get(key) ?? []).map(chip)}
              </div>
            );
          })}
        </div>
      </div>
    );
  }

  return (
    <div data-testid="week-grid">
      {header}
      <div style={{ maxHeight: 640, overflowY: 'auto', borderTop: CELL_BORDER }}>
        {HOURS.map((hour) => (
          <div key={hour} style={{ display: 'grid', gridTemplateColumns: '56px repeat(7, 1fr)' }}>
            <div style={{ padding: '2px 6px', color: '#8c8c8c', fontSize: 12, borderBottom: CELL_BORDER }}>
              {String(hour).padStart(2, '0')}:00
            </div>
            {days.map((day) => {
              const dayKey = day.format(DAY_KEY);
              const key = `${dayKey}T${hour}`;
              const slots = (occurrencesByDay.get(dayKey) ?? []).filter(
                (o) => dayjs(o.scheduled_for).hour() === hour,
              );
              return (
                <div
                  key={key}
                  {...dropTarget(key, day, hour)}
                  style={{
                    minHeight: 28,
                    padding: 2,
                    borderLeft: CELL_BORDER,
                    borderBottom: CELL_BORDER,
                    background: over === key ? '#e6f4ff' : dayKey === today ? '#fcfcff' : undefined,
                  }}
                >
                  {slots.map(chip)}
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

function zhWeekday(day: Dayjs): string {
  return zhCN.calendar.weekdays[(day.day() + 6) % 7] ?? '';
}
