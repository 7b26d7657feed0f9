package aios.manager.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {

    private static String json(Map<String, Object> p) {
        return JsonText.object(p.keySet().toArray(String[]::new), "event.topics", p::get);
    }

    @Test
    void keysSorted_valuesTyped_textEscaped_andTheTopicLeftOut() {
        Map<String, Object> p = new HashMap<>();
        p.put("syscall.id", 7L);
        p.put("agent", "al\"ice\\\n\t\u0001");
        p.put("priority", 3);
        p.put("ratio", 0.5);
        p.put("nan", Double.NaN);
        p.put("ok", true);
        p.put("none", null);
        p.put("list", List.of(1, "two"));
        p.put("array", new long[] {4, 5});
        p.put("event.topics", "aios/syscall/COMPLETED");
        assertEquals("{\"agent\":\"al\\\"ice\\\\\\n\\t\\u0001\",\"array\":[4,5],\"list\":[1,\"two\"],\"nan\":\"NaN\","
                + "\"none\":null,\"ok\":true,\"priority\":3,\"ratio\":0.5,\"syscall.id\":7}", json(p));
    }

    @Test
    void eachSetOfNamesIsSortedForItself_whenSetsAlternate() {
        Map<String, Object> a = Map.of("b", 1, "a", 2);
        Map<String, Object> b = Map.of("z", 1, "c", 2, "m", 3);
        for (int i = 0; i < 3; i++) {
            assertEquals("{\"a\":2,\"b\":1}", json(a));
            assertEquals("{\"c\":2,\"m\":3,\"z\":1}", json(b));
        }
    }
}
