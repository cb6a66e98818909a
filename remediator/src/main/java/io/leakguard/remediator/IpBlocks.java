package io.leakguard.remediator;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Literal IP addresses and CIDR blocks as RAM writes them in {@code acs:SourceIp} conditions and AccessKey network
 * policies ({@code 203.0.113.7}, {@code 198.51.100.0/24}, {@code 2001:db8::/32}). Never resolves a host name.
 */
final class IpBlocks {

  private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private IpBlocks() {}

  /** True for an address or a block with a prefix length that fits its family. */
  static boolean isBlock(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    int bits;
    if (IPV4.matcher(address).matches()) {
      bits = 32;
    } else if (IPV6_CHARS.matcher(address).matches() && isIpv6(address)) {
      bits = 128;
    } else {
      return false;
    }
    if (slash < 0) {
      return true;
    }
    String prefix = text.substring(slash + 1);
    return prefix.matches("\\d{1,3}") && Integer.parseInt(prefix) <= bits;
  }

  private static boolean isIpv6(String address) {
    try {
      return InetAddress.getByName(address).getAddress().length == 16; // a literal with ':': no lookup happens
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
