package io.leakguard.deploy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code leakguard run mail-server --users-file FILE [--smtp-port N] [--imap-port N] [--ready-file FILE]}: a GreenMail
 * SMTP and IMAP server for local use, on 127.0.0.1 only, in memory (its mail is gone when it stops). Creates the
 * file's mailboxes; IMAP wants a mailbox's login and password. Port 0 (the default) takes a free port; the ready file
 * gets the ports as {@code {"smtpPort":N,"imapPort":M}} once both listen.
 *
 * <p>Like every local SMTP test server, it takes mail for any address without a login, and keeps mail for an address
 * it does not know in a new mailbox; the local stack only ever writes to its own addresses.
 */
final class MailServerMain {

  private MailServerMain() {}

  /** Starts GreenMail with these mailboxes on 127.0.0.1 (port 0: a free one). */
  static GreenMail start(List<LocalMail.Mailbox> mailboxes, int smtpPort, int imapPort) {
    GreenMail greenMail = new GreenMail(new ServerSetup[] {
        setup(smtpPort, ServerSetup.PROTOCOL_SMTP), setup(imapPort, ServerSetup.PROTOCOL_IMAP)});
    greenMail.start();
    for (LocalMail.Mailbox mailbox : mailboxes) {
      greenMail.setUser(mailbox.address(), mailbox.login(), mailbox.password());
    }
    return greenMail;
  }

  private static ServerSetup setup(int port, String protocol) {
    ServerSetup setup = new ServerSetup(port, LocalMail.HOST, protocol);
    return port == 0 ? setup.dynamicPort() : setup;
  }

  static int run(Path usersFile, int smtpPort, int imapPort, Path readyFile) throws Exception {
    GreenMail greenMail = start(LocalMail.readUsers(usersFile), smtpPort, imapPort);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      greenMail.stop();
      stop.countDown();
    }, "mail-server-shutdown"));
    int smtp = greenMail.getSmtp().getPort();
    int imap = greenMail.getImap().getPort();
    System.out.println("mail server ready: SMTP " + LocalMail.HOST + ":" + smtp + ", IMAP " + LocalMail.HOST + ":"
        + imap);
    if (readyFile != null) {
      Path partial = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
      Files.writeString(partial, "{\"smtpPort\":" + smtp + ",\"imapPort\":" + imap + "}");
      Files.move(partial, readyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    stop.await();
    return 0;
  }
}
