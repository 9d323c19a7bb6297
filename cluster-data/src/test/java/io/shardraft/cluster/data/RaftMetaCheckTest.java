package io.shardraft.cluster.data;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alipay.sofa.jraft.entity.LocalStorageOutter.StablePBMeta;
import com.alipay.sofa.jraft.storage.io.ProtoBufFile;
import io.shardraft.cluster.error.ReplicationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftMetaCheckTest {
    @TempDir
    Path dir;

    @Test
    void aValidOrAbsentMetaFilePasses() throws Exception {
        assertDoesNotThrow(() -> RaftMetaCheck.verify(dir, "g", "n1"));
        new ProtoBufFile(dir.resolve(RaftMetaCheck.FILE).toString())
                .save(StablePBMeta.newBuilder().setTerm(3).setVotedfor("127.0.0.1:7001").build(), true);
        assertDoesNotThrow(() -> RaftMetaCheck.verify(dir, "g", "n1"));
    }

    @Test
    void aTornOrGarbledMetaFileIsRefusedWithItsPathNamed() throws Exception {
        Path file = dir.resolve(RaftMetaCheck.FILE);
        new ProtoBufFile(file.toString())
                .save(StablePBMeta.newBuilder().setTerm(3).setVotedfor("127.0.0.1:7001").build(), true);
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length - 5)); // torn write
        ReplicationException torn = assertThrows(ReplicationException.class, () -> RaftMetaCheck.verify(dir, "g", "n1"));
        assertTrue(torn.getMessage().contains(file.toString()), torn.getMessage());

        byte[] garbage = new byte[whole.length];
        Arrays.fill(garbage, (byte) 0x7f);
        Files.write(file, garbage);
        ReplicationException garbled = assertThrows(ReplicationException.class, () -> RaftMetaCheck.verify(dir, "g", "n1"));
        assertTrue(garbled.getMessage().contains(file.toString()), garbled.getMessage());
    }
}
