package dev.edgewise.viewer.metric;

import dev.edgewise.viewer.format.Units;

/** How a per-layer value is printed. */
public enum MetricUnit {
    COUNT {
        @Override
        public String format(double v) {
            return Units.count(v);
        }
    },
    BYTES {
        @Override
        public String format(double v) {
            return Units.bytes(v);
        }
    },
    MICROJOULES {
        @Override
        public String format(double v) {
            return Units.microjoules(v);
        }
    },
    MILLISECONDS {
        @Override
        public String format(double v) {
            return Units.millis(v);
        }
    },
    /** A plain number such as an error ratio or SQNR in dB. */
    PLAIN {
        @Override
        public String format(double v) {
            return Units.threeDigits(v);
        }
    };

    public abstract String format(double value);
}
