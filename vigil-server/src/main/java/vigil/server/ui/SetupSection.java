package vigil.server.ui;

import gg.jte.Content;

/**
 * A wing's part of the setup page (ADR 0046): a titled section after the hosts, rendered by the wing's own template
 * (the Threats wing's sensors: each host's state and lost events).
 *
 * @param id the section's HTML id
 */
public record SetupSection(String id, String title, Content body) {}
