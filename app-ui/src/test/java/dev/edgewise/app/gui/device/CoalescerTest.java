package dev.edgewise.app.gui.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CoalescerTest {
    private static final long FRAME = TimeUnit.MILLISECONDS.toNanos(33);
    private final ManualUi ui = new ManualUi();
    private final List<List<Integer>> batches = new ArrayList<>();
    private final Coalescer<Integer> c = new Coalescer<>(FRAME, ui::now, ui, ui, batches::add);

    @Test
    void theFirstItemGoesOutAtOnceAndLaterOnesWaitForTheNextFrame() {
        c.offer(1);
        assertThat(ui.scheduledDelays).as("no delay for the first item").isEmpty();
        ui.pump();
        assertThat(batches).containsExactly(List.of(1));

        ui.advance(TimeUnit.MILLISECONDS.toNanos(10));
        for (int i = 2; i <= 500; i++) {
            c.offer(i);
        }
        assertThat(ui.scheduledDelays).as("one delivery scheduled for 499 items, at the end of the frame")
            .containsExactly(FRAME - TimeUnit.MILLISECONDS.toNanos(10));
        ui.pump();
        assertThat(batches).hasSize(1);
        ui.advance(TimeUnit.MILLISECONDS.toNanos(22));
        assertThat(batches).hasSize(1);
        ui.advance(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).hasSize(499).startsWith(2, 3).endsWith(500);
        assertThat(c.batches()).isEqualTo(2);
    }

    @Test
    void aSteadyStreamIsDeliveredAtMostOncePerFrame() {
        long oneSecond = TimeUnit.SECONDS.toNanos(1);
        long step = TimeUnit.MICROSECONDS.toNanos(500);
        int items = 0;
        for (long t = 0; t < oneSecond; t += step) {
            c.offer(items++);
            ui.advance(step);
        }
        ui.advance(FRAME);
        assertThat(batches.stream().mapToInt(List::size).sum()).as("nothing lost").isEqualTo(items);
        assertThat(batches.size()).as("batches in one second of 2000 items/s").isBetween(25, 32);
    }

    @Test
    void producersOnOtherThreadsNeverWaitAndNothingIsLost() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int base = t * 10_000;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    c.offer(base + i);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        ui.advance(FRAME);
        ui.advance(FRAME);
        List<Integer> all = batches.stream().flatMap(List::stream).sorted().toList();
        assertThat(all).hasSize(40_000).doesNotHaveDuplicates();
        assertThat(batches.size()).isLessThanOrEqualTo(3);
    }

    @Test
    void flushHandsOverWhatIsQueuedImmediately() {
        c.offer(1);
        c.flush();
        assertThat(batches).containsExactly(List.of(1));
        ui.pump();
        assertThat(batches).as("the scheduled delivery finds nothing left").hasSize(1);
    }
}
