/** Notifications: rules on category, severity and resource, delivered to webhooks and Slack with retries. */
@NullMarked
package vigil.server.notify;

import org.jspecify.annotations.NullMarked;
