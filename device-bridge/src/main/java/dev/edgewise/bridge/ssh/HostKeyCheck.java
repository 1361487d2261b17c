package dev.edgewise.bridge.ssh;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * known_hosts checking that never trusts silently: a host missing from the file or presenting a
 * different key is refused, and the key it presented is kept so the error can show its fingerprint
 * and how to accept it.
 */
final class HostKeyCheck extends KnownHostsServerKeyVerifier {
    private volatile PublicKey unknown;
    private volatile PublicKey changed;

    HostKeyCheck(Path knownHosts) {
        super((session, address, key) -> false, knownHosts);
        setModifiedServerKeyAcceptor(this::refuseChanged);
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        boolean ok = super.verifyServerKey(session, remote, key);
        if (!ok && changed == null) {
            unknown = key;
        }
        return ok;
    }

    private boolean refuseChanged(ClientSession session, SocketAddress remote, KnownHostEntry entry, PublicKey expected, PublicKey actual) {
        changed = actual;
        return false;
    }

    /** A sentence for the user when the host key was refused, else null. */
    String problem(String deviceId, String host, int port) {
        String target = port == 22 ? host : "[" + host + "]:" + port;
        if (changed != null) {
            return deviceId + ": the host key of " + target + " CHANGED (now " + KeyUtils.getKeyType(changed) + " "
                + KeyUtils.getFingerPrint(changed) + ") and does not match " + getPath() + ". If the board was reinstalled, remove the old"
                + " entry with `ssh-keygen -R '" + target + "' -f " + getPath() + "` and accept the new one; otherwise do not connect.";
        }
        if (unknown != null) {
            return deviceId + ": host " + target + " is not in " + getPath() + " (it offers " + KeyUtils.getKeyType(unknown) + " "
                + KeyUtils.getFingerPrint(unknown) + "). Check that fingerprint on the board (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub),"
                + " then accept it with `ssh-keyscan -p " + port + " " + host + " >> " + getPath() + "` (or connect once with"
                + " `ssh -p " + port + " USER@" + host + "`).";
        }
        return null;
    }
}
