import { describe, expect, it } from 'vitest';
import { acceptsLessons, hostFull, placeEdge, placeLesson, roomLeft, type NodeLoad } from '../../server/cluster/placement.ts';

const node = (nodeId: string, over: Partial<NodeLoad> = {}): NodeLoad => ({
  nodeId,
  consumers: 0,
  maxConsumers: 100,
  lessons: [],
  workerCpu: null,
  workers: 1,
  draining: false,
  startedAt: '2026-12-07T00:00:00.000Z',
  ...over,
});

describe('placement of a new lesson', () => {
  it('N-PLACEMENT: the node with the most room left gets the lesson (consumers against its capacity, worker CPU)', () => {
    const busy = node('a', { consumers: 60 });
    const idle = node('b', { consumers: 10 });
    expect(placeLesson([busy, idle])?.nodeId).toBe('b');
    // A bigger node with more consumers may still have more room left.
    expect(placeLesson([node('a', { consumers: 50, maxConsumers: 1000 }), node('b', { consumers: 10 })])?.nodeId).toBe('a');
    // CPU counts when the consumers leave room: a hot worker loses to a cool one.
    expect(placeLesson([node('a', { workerCpu: 0.9 }), node('b', { workerCpu: 0.2, consumers: 30 })])?.nodeId).toBe('b');
    expect(roomLeft(node('a', { consumers: 25, workerCpu: 0.5 }))).toBe(0.5);
  });

  it('N-PLACEMENT: a full, draining or worker-less node gets none; with none left, nobody is placed', () => {
    const full = node('a', { consumers: 100 });
    const draining = node('b', { draining: true });
    const noWorker = node('c', { workers: 0 });
    const saturated = node('d', { workerCpu: 1 });
    for (const n of [full, draining, noWorker, saturated]) expect(acceptsLessons(n)).toBe(false);
    expect(placeLesson([full, draining, noWorker, saturated])).toBeNull();
    expect(placeLesson([full, draining, noWorker, node('e', { consumers: 99 })])?.nodeId).toBe('e');
  });

  it('N-PLACEMENT-PORTS: a node whose RTC port range is nearly used up has less room, one whose range is used up takes no lesson and no receiver; a WebRtcServer node has no range to run out of', () => {
    // Consumers leave 90 % room, the ports 20 %: the ports decide.
    expect(roomLeft(node('a', { consumers: 10, transports: 80, maxTransports: 100 }))).toBeCloseTo(0.2);
    expect(placeLesson([node('a', { transports: 80, maxTransports: 100 }), node('b', { consumers: 40 })])?.nodeId).toBe('b');
    const noPorts = node('a', { transports: 100, maxTransports: 100 });
    expect(acceptsLessons(noPorts)).toBe(false);
    expect(hostFull(noPorts)).toBe(true);
    expect(placeLesson([noPorts])).toBeNull();
    // One port per worker (WebRtcServer): transports count for nothing.
    const server = node('b', { transports: 5000, maxTransports: null });
    expect(acceptsLessons(server)).toBe(true);
    expect(roomLeft(server)).toBe(1);
    // A node of an older version reports neither: as before.
    expect(roomLeft(node('c'))).toBe(1);
  });

  it('N-PLACEMENT: ties go to fewer lessons, then to the node that took the join, then by node id (every node picks the same)', () => {
    expect(placeLesson([node('a', { lessons: ['x'] }), node('b')], 'a')?.nodeId).toBe('b');
    expect(placeLesson([node('a'), node('b')], 'b')?.nodeId).toBe('b');
    expect(placeLesson([node('b'), node('a')])?.nodeId).toBe('a');
    // An idle worker's CPU noise is no difference (room left counts in steps of 5 %).
    expect(placeLesson([node('a', { workerCpu: 0.004 }), node('b', { workerCpu: 0.03 })], 'b')?.nodeId).toBe('b');
  });
});

describe('placement of a receiver the host has no room for', () => {
  it('N-EDGE: a host is full at its configured consumers; the receiver goes to the other node with the most room, never to the host', () => {
    expect(hostFull(node('a', { consumers: 99 }))).toBe(false);
    expect(hostFull(node('a', { consumers: 100 }))).toBe(true);
    const host = node('a', { consumers: 100, lessons: ['s'] });
    expect(placeEdge([host, node('b', { consumers: 50 }), node('c', { consumers: 10 })], 'a', 's')?.nodeId).toBe('c');
    // Full, draining and worker-less nodes are no edge either; with none left the host takes it.
    expect(placeEdge([host, node('b', { consumers: 100 }), node('c', { draining: true })], 'a', 's')).toBeNull();
  });

  it('N-EDGE: a node already an edge of the lesson gets its next receivers while it has room (one pipe feeds many classrooms)', () => {
    const host = node('a', { consumers: 100, lessons: ['s'] });
    const edge = node('b', { consumers: 60, edges: ['s'] });
    const idle = node('c');
    expect(placeEdge([host, edge, idle], 'a', 's')?.nodeId).toBe('b');
    // An edge of another lesson is no preference; a full edge gives way to a fresh one.
    expect(placeEdge([host, node('b', { consumers: 60, edges: ['t'] }), idle], 'a', 's')?.nodeId).toBe('c');
    expect(placeEdge([host, node('b', { consumers: 100, edges: ['s'] }), idle], 'a', 's')?.nodeId).toBe('c');
  });
});
