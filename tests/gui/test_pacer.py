"""The live-frame pacer: the first frame at once, then at most one per interval, always
the newest; a dropped frame is never drawn."""
from explorer.widgets.pacer import Pacer


def test_frames_are_paced_and_the_newest_wins(qtbot):
    drawn = []
    pacer = Pacer(drawn.append, 150)
    pacer.offer(1)
    assert drawn == [1]                       # the first frame does not wait
    for k in (2, 3, 4):
        pacer.offer(k)
    assert drawn == [1], "frames within the interval wait"
    qtbot.waitUntil(lambda: drawn == [1, 4], timeout=2000)
    qtbot.wait(300)
    assert drawn == [1, 4], "each waiting frame is drawn once, only the newest"
    pacer.offer(5)                            # the interval has passed: at once
    assert drawn == [1, 4, 5]
    pacer.offer(6)
    pacer.drop()                              # a result superseded it
    qtbot.wait(300)
    assert drawn == [1, 4, 5]
    pacer.offer(7)
    pacer.offer(8)
    pacer.drop(restart=True)                  # a new request: its first frame at once
    pacer.offer(9)
    assert drawn[-1] == 9 and 8 not in drawn
