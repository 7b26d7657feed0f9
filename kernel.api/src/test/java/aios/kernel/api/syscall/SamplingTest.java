package aios.kernel.api.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SamplingTest {

    @Test
    void theFourArgumentConstructorMeansNoTopKLimit() {
        assertEquals(new Sampling(40, 0.8, 0.9, 7L, 0), new Sampling(40, 0.8, 0.9, 7L));
        assertEquals(0, Sampling.DEFAULT.topK());
        assertEquals(40, new Sampling(40, 0.8, 0.9, 7L, 40).topK());
    }

    @Test
    void aNegativeTopKIsRefusedNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sampling(40, 0.8, 0.9, 7L, -1));
        assertTrue(e.getMessage().contains("top-k -1") && e.getMessage().contains("0 means no limit"), e.getMessage());
    }
}
