package io.leakguard.emulator;

import com.aliyuncs.IAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A benchmark, not a test: N threads drive an embedded emulator through the real SDK with signed
 * GetCallerIdentity and ListUsers calls (lookup, Signature V1 check, nonce, authorization, audit record,
 * JSON) and print signed requests per second. Client and server share the machine, so the figure is a
 * floor for the emulator alone.
 *
 * <pre>
 * mvn -q -pl emulator test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp emulator/target/test-classes:emulator/target/classes:$(cat emulator/target/cp.txt) \
 *      io.leakguard.emulator.EmulatorThroughputBenchmark [threads] [seconds]
 * </pre>
 */
public final class EmulatorThroughputBenchmark {

    private EmulatorThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        try (TestCloud cloud = new TestCloud()) {
            System.out.printf("warming up (3 s), then %d threads for %d s%n", threads, seconds);
            run(cloud, threads, 3);
            long[] result = run(cloud, threads, seconds);
            System.out.printf("signed requests: %d ok, %d failed, %.0f requests/second with %d threads%n",
                    result[0], result[1], result[0] / (double) seconds, threads);
        }
    }

    private static long[] run(TestCloud cloud, int threads, int seconds) throws Exception {
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            // Half the threads act as alice (a RAM user: policy evaluation), half as root.
            TestCloud.Key key = t % 2 == 0 ? cloud.alice : cloud.root;
            IAcsClient client = cloud.client(key);
            futures.add(pool.submit(() -> {
                int i = 0;
                while (!stop.get()) {
                    try {
                        if (i++ % 2 == 0) {
                            cloud.call(client, new GetCallerIdentityRequest());
                        } else {
                            cloud.call(client, new com.aliyuncs.ram.model.v20150501.ListUsersRequest());
                        }
                        ok.increment();
                    } catch (ClientException e) {
                        failed.increment();
                    }
                }
            }));
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return new long[] {ok.sum(), failed.sum()};
    }
}
