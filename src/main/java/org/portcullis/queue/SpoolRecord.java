package org.portcullis.queue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.zip.CRC32C;
import org.portcullis.mail.AddressSyntaxException;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;

/**
 * The on-disk form of one spooled message.
 *
 * <pre>
 *   magic "PQM1" | int payload length | int CRC32C of payload | payload
 *   payload: meta (queue id, time, client, envelope) | int content length | content
 * </pre>
 *
 * A record whose magic, length or checksum is wrong ends the readable part of a segment: it was
 * being written when the process died, so it was never acknowledged.
 */
final class SpoolRecord {

  static final int MAGIC = 0x50514D31;
  static final int HEADER_BYTES = 12;
  static final int MAX_META_BYTES = 1 << 20;

  /** What the meta part holds. */
  record Meta(String queueId, Instant receivedAt, String clientAddress, String clientName, String helo,
      Envelope envelope) {}

  private SpoolRecord() {}

  static byte[] encodeMeta(Meta meta) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(meta.queueId());
      out.writeLong(meta.receivedAt().toEpochMilli());
      out.writeUTF(meta.clientAddress());
      out.writeUTF(meta.clientName());
      out.writeUTF(meta.helo());
      Envelope envelope = meta.envelope();
      out.writeUTF(envelope.sender().mailbox().map(EmailAddress::toString).orElse(""));
      MailParameters p = envelope.parameters();
      out.writeLong(p.declaredSize().orElse(-1));
      out.writeByte(p.body().ordinal());
      out.writeBoolean(p.smtputf8());
      out.writeByte(p.ret().map(r -> r.ordinal() + 1).orElse(0));
      out.writeUTF(p.envelopeId().orElse(""));
      out.writeInt(envelope.recipients().size());
      for (Recipient r : envelope.recipients()) {
        out.writeUTF(r.address().toString());
        int notify = 0;
        for (Recipient.Notify n : r.notifyOn()) {
          notify |= 1 << n.ordinal();
        }
        out.writeByte(notify);
        out.writeUTF(r.originalRecipient().orElse(""));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot happen: writing to memory", e);
    }
    return bytes.toByteArray();
  }

  static Meta decodeMeta(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
    String queueId = in.readUTF();
    Instant received = Instant.ofEpochMilli(in.readLong());
    String clientAddress = in.readUTF();
    String clientName = in.readUTF();
    String helo = in.readUTF();
    String senderText = in.readUTF();
    long size = in.readLong();
    MailParameters.Body body = MailParameters.Body.values()[in.readByte()];
    boolean utf8 = in.readBoolean();
    int ret = in.readByte();
    String envid = in.readUTF();
    int count = in.readInt();
    if (count < 1 || count > 100_000) {
      throw new IOException("bad recipient count " + count);
    }
    List<Recipient> recipients = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      EmailAddress address = parse(in.readUTF());
      int notifyBits = in.readByte();
      Set<Recipient.Notify> notify = EnumSet.noneOf(Recipient.Notify.class);
      for (Recipient.Notify n : Recipient.Notify.values()) {
        if ((notifyBits & (1 << n.ordinal())) != 0) {
          notify.add(n);
        }
      }
      String orcpt = in.readUTF();
      recipients.add(new Recipient(address, notify, orcpt.isEmpty() ? Optional.empty() : Optional.of(orcpt), true));
    }
    MailPath sender = senderText.isEmpty() ? MailPath.NULL
        : new MailPath(Optional.of(parse(senderText)), List.of(), true);
    MailParameters parameters = new MailParameters(size < 0 ? OptionalLong.empty() : OptionalLong.of(size), body,
        utf8, ret == 0 ? Optional.empty() : Optional.of(MailParameters.Ret.values()[ret - 1]),
        envid.isEmpty() ? Optional.empty() : Optional.of(envid));
    return new Meta(queueId, received, clientAddress, clientName, helo, new Envelope(sender, recipients, parameters));
  }

  private static EmailAddress parse(String text) throws IOException {
    try {
      return MailPath.parse("<" + text + ">", true).address();
    } catch (AddressSyntaxException e) {
      throw new IOException("bad address in spool record: " + text, e);
    }
  }

  /**
   * The buffers to append for a record: header, meta, content length, content chunks. The
   * checksum covers everything after the header.
   */
  static ByteBuffer[] encode(byte[] meta, List<ByteBuffer> content, int contentLength) {
    CRC32C crc = new CRC32C();
    ByteBuffer metaPart = ByteBuffer.allocate(4 + meta.length + 4);
    metaPart.putInt(meta.length).put(meta).putInt(contentLength).flip();
    crc.update(metaPart.duplicate());
    for (ByteBuffer chunk : content) {
      crc.update(chunk.duplicate());
    }
    int payloadLength = metaPart.remaining() + contentLength;
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    header.putInt(MAGIC).putInt(payloadLength).putInt((int) crc.getValue()).flip();
    ByteBuffer[] all = new ByteBuffer[2 + content.size()];
    all[0] = header;
    all[1] = metaPart;
    for (int i = 0; i < content.size(); i++) {
      all[2 + i] = content.get(i).duplicate();
    }
    return all;
  }

  /** Offset of the content inside a record, from the record start. */
  static long contentOffset(int metaLength) {
    return HEADER_BYTES + 4L + metaLength + 4L;
  }
}
