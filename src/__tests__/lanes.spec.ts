/**
 * The lane layout: one line, a fork into two lanes that meet again at the fork point, a merge
 * point with two parents, and the same layout whether the rows arrive at once or page by page.
 */
import { ILaneInput, LaneLayout } from '../lanes';

/** Rows newest first, given as "id:parent,parent". */
function rows(...specs: string[]): ILaneInput[] {
  return specs.map(spec => {
    const [id, parents] = spec.split(':');
    return { id, parents: parents ? parents.split(',') : [] };
  });
}

function layout(list: ILaneInput[]): LaneLayout {
  const lanes = new LaneLayout();
  lanes.extend(k => list[k], list.length);
  return lanes;
}

describe('LaneLayout', () => {
  it('keeps one line in one lane', () => {
    const lanes = layout(rows('c:b', 'b:a', 'a'));
    expect([0, 1, 2].map(k => lanes.at(k)!.lane)).toEqual([0, 0, 0]);
    expect(lanes.at(0)).toMatchObject({ fromTop: false, out: [0], through: [], merge: false });
    expect(lanes.at(1)).toMatchObject({ fromTop: true, out: [0] });
    // The root has no parent: no line goes on below it.
    expect(lanes.at(2)).toMatchObject({ fromTop: true, out: [] });
    expect(lanes.width).toBe(1);
  });

  it('gives a branch its own lane, passing the other line, until the fork point', () => {
    // main: m2 -> m1 -> base; feature: f2 -> f1 -> base (listed by time, interleaved).
    const lanes = layout(rows('f2:f1', 'm2:m1', 'f1:base', 'm1:base', 'base'));
    expect(lanes.at(0)!.lane).toBe(0);
    const m2 = lanes.at(1)!;
    expect(m2.lane).toBe(1);
    expect(m2.fromTop).toBe(false); // a branch head: nothing above it on its lane
    expect(m2.through).toEqual([0]); // feature's line passes it
    expect(lanes.at(2)).toMatchObject({ lane: 0, through: [1] });
    expect(lanes.at(3)).toMatchObject({ lane: 1, through: [0] });
    // Both lanes wait for the fork point: one arrives from above, the other joins it.
    const base = lanes.at(4)!;
    expect(base.lane).toBe(0);
    expect(base.fromTop).toBe(true);
    expect(base.into).toEqual([1]);
    expect(base.through).toEqual([]);
    expect(lanes.width).toBe(2);
  });

  it('opens a second line below a merge point and closes it at the fork point', () => {
    // merge has parents m1 (main) and f1 (feature); both come from base.
    const lanes = layout(rows('merge:m1,f1', 'f1:base', 'm1:base', 'base'));
    const merge = lanes.at(0)!;
    expect(merge).toMatchObject({ lane: 0, merge: true, out: [0, 1] });
    expect(lanes.at(1)).toMatchObject({ lane: 1, fromTop: true, through: [0] });
    expect(lanes.at(2)).toMatchObject({ lane: 0, fromTop: true, through: [1] });
    expect(lanes.at(3)).toMatchObject({ lane: 0, into: [1], out: [] });
  });

  it('routes a merge parent already on a lane to that lane', () => {
    // "f2" is listed above the merge: its lane waits for f1, which the merge also names.
    const lanes = layout(rows('f2:f1', 'merge:m1,f1', 'f1:base', 'm1:base', 'base'));
    const merge = lanes.at(1)!;
    expect(merge.lane).toBe(1);
    expect(merge.out).toEqual([1, 0]);
    expect(lanes.width).toBe(2);
  });

  it('lays out page by page as it does at once, and stops at a gap', () => {
    const list = rows('f2:f1', 'merge:m1,f1', 'f1:base', 'm1:base', 'base');
    const whole = layout(list);
    const paged = new LaneLayout();
    const loaded: (ILaneInput | undefined)[] = [list[0], list[1], undefined, list[3], list[4]];
    paged.extend(k => loaded[k], list.length);
    // Row 2 has not arrived: rows below it cannot be placed yet.
    expect(paged.length).toBe(2);
    loaded[2] = list[2];
    paged.extend(k => loaded[k], list.length);
    expect(paged.length).toBe(5);
    for (let k = 0; k < list.length; k++) {
      expect(paged.at(k)).toEqual(whole.at(k));
    }
  });

  it('reuses a freed column instead of widening', () => {
    // Two short-lived branches one after the other: the second takes the first's column.
    const lanes = layout(rows('m2:m1,b1', 'b1:m1', 'm1:m0,a1', 'a1:m0', 'm0'));
    expect(lanes.width).toBe(2);
    expect(lanes.at(1)!.lane).toBe(1);
    expect(lanes.at(3)!.lane).toBe(1);
  });
});
