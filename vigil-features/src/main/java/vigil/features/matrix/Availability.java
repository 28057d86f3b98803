package vigil.features.matrix;

/** How a capability is offered on a deployment type, as the seed's table marks it. */
public enum Availability {
    GA,
    BETA,
    UNAVAILABLE
}
